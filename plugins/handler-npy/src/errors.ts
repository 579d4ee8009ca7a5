import { AeroError } from '@aeroml/core';

export const PLUGIN = '@aeroml/handler-npy';

/** Every user-facing failure of this package: an AeroError scoped to @aeroml/handler-npy. */
export function npyError(code: string, message: string, options: { hint?: string; cause?: unknown; details?: Record<string, unknown> } = {}): AeroError {
  return new AeroError(code, message, { plugin: PLUGIN, ...options });
}

/** Error codes raised by @aeroml/handler-npy (documented in the README). */
export const NpyErrorCodes = {
  NOT_NPY: 'NPY_NOT_NPY',
  VERSION_UNSUPPORTED: 'NPY_VERSION_UNSUPPORTED',
  HEADER_INVALID: 'NPY_HEADER_INVALID',
  DTYPE_UNSUPPORTED: 'NPY_DTYPE_UNSUPPORTED',
  TRUNCATED: 'NPY_TRUNCATED',
  TOO_LARGE: 'NPY_TOO_LARGE',
  VALUE_INVALID: 'NPY_VALUE_INVALID',
  READ_FAILED: 'NPY_READ_FAILED',
  WRITE_FAILED: 'NPY_WRITE_FAILED',
  ZIP_INVALID: 'NPY_ZIP_INVALID',
  ZIP_UNSUPPORTED: 'NPY_ZIP_UNSUPPORTED',
  ZIP_CRC_MISMATCH: 'NPY_ZIP_CRC_MISMATCH',
  ARRAY_NOT_FOUND: 'NPY_ARRAY_NOT_FOUND',
} as const;
