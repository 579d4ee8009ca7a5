import { AeroError, type AeroErrorOptions } from '@aeroml/core';

export const PLUGIN = '@aeroml/ui';

/** Error codes raised by @aeroml/ui (`aero ui`, `aero report`). Permanent: docs/errors.md lists them. */
export const UiErrorCodes = {
  /** `aero ui --port N`: another program already listens on that port. */
  PORT_IN_USE: 'UI_PORT_IN_USE',
  /** `--port` is not a whole number in 0..65535, or `--host` is not an address this machine can listen on. */
  LISTEN_INVALID: 'UI_LISTEN_INVALID',
  /** `aero report --out FILE` could not be written (missing folder, permissions). */
  REPORT_WRITE_FAILED: 'UI_REPORT_WRITE_FAILED',
  /** The client bundle is missing from the installed package (a broken install or an unbuilt checkout). */
  ASSETS_MISSING: 'UI_ASSETS_MISSING',
} as const;

export function uiError(code: string, message: string, options: Omit<AeroErrorOptions, 'plugin'> = {}): AeroError {
  return new AeroError(code, message, { ...options, plugin: PLUGIN });
}
