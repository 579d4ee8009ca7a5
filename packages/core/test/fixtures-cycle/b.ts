import { type A } from './a.js';
export interface B { a?: A }
export const c = () => import('./c.js');
