import { defineErrors } from '@aeroml/core';

export const PLUGIN = '@aeroml/store-local';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need. */
export const localStoreErrors = defineErrors(
  {
    LOCAL_STORE_KEY_INVALID: { title: 'A key (or list prefix) that is not a safe relative `/`-separated path', exit: 1, message: () => 'local store: invalid key `../x`: it has a `.` or `..` segment, which could escape the store directory. Also: absolute, empty, `//`, trailing `/`, backslash, NUL, a segment starting with `.aero-tmp-`.', hint: 'Use relative `/`-separated keys.' },
    LOCAL_STORE_KEY_CONFLICT: { title: 'A key that is a directory on disk (other keys live under it), or under a key that is a file', exit: 1, message: () => 'local store: cannot write key `a`: /p/.aero/a is a directory holding other keys.', hint: 'Do not use a key that is also a prefix of other keys.' },
    LOCAL_STORE_FILE_NOT_FOUND: { title: '`putFile` was given a source file that does not exist', exit: 1, message: () => 'local store: cannot store key `objects/…` from /tmp/x: the file does not exist.', hint: 'Pass an existing file to `putFile`.' },
    LOCAL_STORE_IO_FAILED: { title: 'Any other filesystem failure (disk full, read-only filesystem, permissions, name too long)', exit: 1, message: () => 'local store: cannot write key `runs/…` at /p/.aero/runs/…: ENOSPC: no space left on device. (hint per errno: disk full, permissions, read-only filesystem, name too long)', hint: 'Follow the hint.' },
  },
  { plugin: PLUGIN },
);

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
