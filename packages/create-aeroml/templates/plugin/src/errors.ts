import { AeroError } from '@aeroml/core';
import { version } from '../package.json';

/** The package that raises these errors (printed as `[aero] [{{name}}] ...`). */
export const PLUGIN = '{{name}}';

/**
 * What this package's define*() call starts from: who publishes the plugin, and its
 * version, which goes into the cache keys of what a handler wrote (a release recomputes it).
 * The call adds the options schema, validated when aero.config.ts is loaded, so a mistyped
 * option fails before anything runs.
 */
export const identity = { packageName: PLUGIN, version };

/**
 * An AeroError of this package. When the plugin's codes settle, declare them once as data,
 * the way aero's own plugins do: one row per code in `src/errors.json`
 * (`{ "CODE": { "title": "…", "exit": 1, "message": "sample …", "hint": "…" } }`), then
 * `export const errors = defineErrors(rows, { plugin: PLUGIN })` here, with
 * `import rows from './errors.json'`; raise them with `errors.create(code, message, { hint })`
 * (docs/plugins/authoring.md, "Error codes: a catalogue kept as data").
 */
export function pluginError(code: string, message: string, hint: string, cause?: unknown): AeroError {
  return new AeroError(code, message, { plugin: PLUGIN, hint, cause });
}
