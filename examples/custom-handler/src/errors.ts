import { AeroError } from '@aeroml/core';

/** The package that raises these errors (printed as `[aero] [aero-handler-netpbm] ...`). */
export const PLUGIN = 'aero-handler-netpbm';

export const NetpbmErrorCodes = {
  NOT_NETPBM: 'NETPBM_NOT_NETPBM',
  INVALID: 'NETPBM_INVALID',
  TRUNCATED: 'NETPBM_TRUNCATED',
  VALUE_INVALID: 'NETPBM_VALUE_INVALID',
  READ_FAILED: 'NETPBM_READ_FAILED',
  WRITE_FAILED: 'NETPBM_WRITE_FAILED',
} as const;

export function netpbmError(code: string, message: string, hint: string, cause?: unknown): AeroError {
  return new AeroError(code, message, { plugin: PLUGIN, hint, cause });
}
