import { TextErrorCodes, textError } from './errors.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Offset of the first byte that is not valid UTF-8, or -1. Only used on the error path. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i += 1;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Decodes UTF-8 strictly (a BOM is kept as U+FEFF); invalid bytes give an AeroError with
 * the line and byte offset, instead of silently becoming U+FFFD.
 */
export function decodeUtf8(handler: string, path: string, bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch (cause) {
    const offset = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line += 1;
    throw textError(TextErrorCodes.INVALID_UTF8, `${handler} handler: ${path} line ${line}: invalid UTF-8 at byte ${offset}.`, {
      cause,
      hint: 'The file is not UTF-8 text; re-encode it as UTF-8, or read it with the bytes handler.',
      details: { path, line, offset },
    });
  }
}

/** Drops a leading byte-order mark (Excel writes one in front of CSV files). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
