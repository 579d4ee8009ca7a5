import { LocalStoreErrorCodes, storeError } from './errors.js';

/** Every temp file aero writes starts with this; `list` skips such names and keys may not use them. */
export const TEMP_PREFIX = '.aero-tmp-';

// A `.` or `..` segment, or a segment reserved for temp files.
const BAD_SEGMENT = /(?:^|\/)(?:\.\.?(?:\/|$)|\.aero-tmp-)/;

function reason(key: string, allowPartial: boolean): string | undefined {
  if (key.length === 0) return allowPartial ? undefined : 'it is empty';
  if (key.charCodeAt(0) === 47) return 'it is absolute (starts with `/`)';
  if (key.includes('\\')) return 'it contains a backslash (use `/` between segments)';
  if (key.includes('\0')) return 'it contains a NUL character';
  if (key.includes('//')) return 'it has an empty segment (`//`)';
  if (!allowPartial && key.charCodeAt(key.length - 1) === 47) return 'it ends with `/`';
  if (BAD_SEGMENT.test(key)) {
    return /(?:^|\/)\.aero-tmp-/.test(key) ? 'a segment starts with `.aero-tmp-`, which is reserved for temp files' : 'it has a `.` or `..` segment, which could escape the store directory';
  }
  return undefined;
}

/** Throws LOCAL_STORE_KEY_INVALID unless `key` is a safe relative `/`-separated path. */
export function checkKey(key: string): void {
  if (typeof key !== 'string') throw invalid(String(key), 'key', 'it is not a string');
  const why = reason(key, false);
  if (why) throw invalid(key, 'key', why);
}

/** Same rules for a `list` prefix, which may be empty, end in `/` or stop mid-segment. */
export function checkPrefix(prefix: string): void {
  if (typeof prefix !== 'string') throw invalid(String(prefix), 'prefix', 'it is not a string');
  // A trailing partial `.`/`..` segment is fine as a prefix of a longer name (`a/.hidden`)
  // but `..` followed by `/` is not; check the prefix as if it were completed.
  const why = reason(prefix.endsWith('.') ? `${prefix}x` : prefix, true);
  if (why) throw invalid(prefix, 'prefix', why);
}

function invalid(key: string, what: 'key' | 'prefix', why: string) {
  return storeError(LocalStoreErrorCodes.KEY_INVALID, `local store: invalid ${what} \`${key}\`: ${why}.`, {
    hint: 'Keys are relative paths like `objects/sha256/ab/<hex>` or `runs/<run-id>/run.json`.',
    details: { key },
  });
}
