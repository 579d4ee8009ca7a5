import { AeroError } from '@aeroml/core';
import { version } from '../package.json';

/** The package that raises these errors (printed as `[aero] [aero-handler-netpbm] ...`). */
export const PLUGIN = 'aero-handler-netpbm';

/** Who publishes the handler and its version (which goes into the cache keys of what it wrote): spread into defineHandler(). */
export const identity = { packageName: PLUGIN, version };

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

/** A file that could not be read: says whether it is missing or unreadable. */
export function readFailed(path: string, error: unknown): AeroError {
  const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
  const why = missing ? 'the file does not exist' : (error as Error).message;
  return netpbmError(NetpbmErrorCodes.READ_FAILED, `Could not read ${path}: ${why}.`, missing ? 'Check the path.' : 'Check the file permissions.', error);
}
