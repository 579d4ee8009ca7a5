import { AeroError } from '@aeroml/core';

export const PLUGIN = '@aeroml/handler-fits';

export function fitsError(code: string, message: string, options: { hint?: string; cause?: unknown; details?: Record<string, unknown> } = {}): AeroError {
  return new AeroError(code, message, { plugin: PLUGIN, ...options });
}

/** Error codes raised by @aeroml/handler-fits (documented in the README). */
export const FitsErrorCodes = {
  NOT_FITS: 'FITS_NOT_FITS',
  HEADER_INVALID: 'FITS_HEADER_INVALID',
  TRUNCATED: 'FITS_TRUNCATED',
  HDU_NOT_FOUND: 'FITS_HDU_NOT_FOUND',
  HDU_UNSUPPORTED: 'FITS_HDU_UNSUPPORTED',
  COLUMN_UNSUPPORTED: 'FITS_COLUMN_UNSUPPORTED',
  COLUMN_NOT_FOUND: 'FITS_COLUMN_NOT_FOUND',
  CHECKSUM_MISMATCH: 'FITS_CHECKSUM_MISMATCH',
  DATASUM_MISMATCH: 'FITS_DATASUM_MISMATCH',
  VALUE_INVALID: 'FITS_VALUE_INVALID',
  TOO_LARGE: 'FITS_TOO_LARGE',
  READ_FAILED: 'FITS_READ_FAILED',
  WRITE_FAILED: 'FITS_WRITE_FAILED',
} as const;
