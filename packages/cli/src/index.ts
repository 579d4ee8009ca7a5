export { main } from './main.js';
export { exitCodeFor, reportError } from './errors.js';
export { COMMANDS } from './help.js';
/** The plugins `aero` uses where aero.config.ts names none (local store, file tracker, text handlers), for embedding with `createAero({ defaults })`. */
export { embeddedDefaults } from './project.js';
