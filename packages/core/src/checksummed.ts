import { sha256Hex } from './hash.js';

/**
 * The framing of the store's derived files that must never be read torn or altered (run
 * journal segments, cache packs): the first line is the sha256 (hex) of the rest. A reader
 * that finds another digest ignores the whole file, which then only costs speed.
 */
export function checksummed(body: string): string {
  return `${sha256Hex(body)}\n${body}`;
}

/** The body of a checksummed file, or undefined when it is missing or does not match its digest. */
export function verifiedBody(bytes: Uint8Array | null): string | undefined {
  return verified(bytes)?.body;
}

/** The digest line and body of a checksummed file, when it is there and matches. */
export function verified(bytes: Uint8Array | null): { checksum: string; body: string } | undefined {
  if (!bytes) return undefined;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const newline = text.indexOf('\n');
  if (newline !== 64) return undefined;
  const body = text.slice(newline + 1);
  const checksum = text.slice(0, newline);
  return sha256Hex(body) === checksum ? { checksum, body } : undefined;
}

/** The checksum line of a text `checksummed` made (what `verified` gives for its bytes). */
export function checksumOf(text: string): string {
  return text.slice(0, 64);
}
