export { main } from './main.js';
export { exitCodeFor, reportError } from './errors.js';
export { COMMANDS } from './help.js';
