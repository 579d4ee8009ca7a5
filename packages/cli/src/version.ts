// From package.json, inlined by the build: no file read at run time.
export { version } from '../package.json';
