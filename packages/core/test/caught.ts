import { expect } from 'vitest';
import { AeroError } from '../src/errors.js';

/**
 * Runs `fn`, which must throw an AeroError, and returns that error so the test can check its
 * code, message and hint. A call that does not throw fails the test with `expected …`.
 */
export function caught(fn: () => unknown, expected = 'an AeroError'): AeroError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AeroError);
    return error as AeroError;
  }
  throw new Error(`expected ${expected}, nothing was thrown`);
}

/** The async side of `caught`: `promise` must reject with an AeroError, which is returned. */
export async function rejected(promise: Promise<unknown>, expected = 'a rejection'): Promise<AeroError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AeroError);
    return error as AeroError;
  }
  throw new Error(`expected ${expected}, the promise resolved`);
}
