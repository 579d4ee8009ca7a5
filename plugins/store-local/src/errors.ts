import { defineErrors } from '@aeroml/core';
import rows from './errors.json';

export const PLUGIN = '@aeroml/store-local';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need: the rows are data, in errors.json. */
export const localStoreErrors = defineErrors(rows, { plugin: PLUGIN });

/** Error codes raised by @aeroml/store-local. */
export const LocalStoreErrorCodes = localStoreErrors.codesWithout('LOCAL_STORE_');
/** An AeroError of this package with the message written where it is raised. */
export const storeError = localStoreErrors.create;

export function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Wraps a filesystem error in an AeroError that says which operation on which key failed. */
export function ioError(operation: string, key: string, path: string, cause: unknown) {
  const code = errnoOf(cause);
  if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') {
    const what = code === 'ENOTDIR' ? `a parent directory of ${path} is a file (another key), so it cannot hold other keys` : `${path} is a directory holding other keys`;
    return storeError(LocalStoreErrorCodes.KEY_CONFLICT, `local store: cannot ${operation} key \`${key}\`: ${what}.`, {
      cause,
      hint: 'On a local filesystem a key cannot also be a prefix of other keys (`a` and `a/b`); rename one of them.',
      details: { key, path },
    });
  }
  return storeError(LocalStoreErrorCodes.IO_FAILED, `local store: cannot ${operation} key \`${key}\` at ${path}: ${(cause as Error)?.message ?? String(cause)}.`, {
    cause,
    hint: hintFor(code),
    details: { key, path, errno: code },
  });
}

function hintFor(code: string | undefined): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'The disk is full; free space (`aero gc` removes unreferenced blobs) and retry.';
    case 'EACCES':
    case 'EPERM':
      return 'Check the permissions of the store directory (the `dir` option).';
    case 'EROFS':
      return 'The store directory is on a read-only filesystem; point `dir` at a writable one.';
    case 'ENAMETOOLONG':
      return 'A path segment of the key is longer than the filesystem allows (usually 255 bytes); use a shorter name.';
    default:
      return 'Check that the store directory (the `dir` option) exists and is writable.';
  }
}
