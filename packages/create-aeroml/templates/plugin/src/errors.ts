import { AeroError } from '@aeroml/core';

/** The package that raises these errors (printed as `[aero] [{{name}}] ...`). */
export const PLUGIN = '{{name}}';

export function pluginError(code: string, message: string, hint: string, cause?: unknown): AeroError {
  return new AeroError(code, message, { plugin: PLUGIN, hint, cause });
}
