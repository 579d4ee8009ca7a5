import { NATIVE_LITTLE, handlerFileIo, swapBytesInPlace } from '@aeroml/core';
import { fitsError, FitsErrorCodes } from './errors.js';

// The byte-level helpers live in @aeroml/core, shared with @aeroml/handler-npy.
export { MAX_IO, NATIVE_LITTLE, bytesOf, readAt, writeAt } from '@aeroml/core';

/** FITS is big endian: swaps `width`-byte elements in place when the platform is little endian. */
export function toFromBigEndian(bytes: Uint8Array, width: number): void {
  if (NATIVE_LITTLE) swapBytesInPlace(bytes, width as 1 | 2 | 4 | 8);
}

/** Atomic writes, reads and allocation, failing with this handler's codes. */
export const { writeFileAtomically, openForRead, readFailed, allocate } = handlerFileIo({
  error: (failure, message, options) => fitsError(FitsErrorCodes[failure], message, options),
  payload: 'the data',
  tooLargeHint: 'The HDU does not fit in memory here; use a machine with more memory.',
});
