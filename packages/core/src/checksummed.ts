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

/** A checksummed file that matched its digest: the digest line, and the body decoded on first use. */
export interface Verified {
  checksum: string;
  readonly body: string;
}

const NEWLINE = 0x0a;
const DIGEST_LENGTH = 64;

/**
 * The digest line and body of a checksummed file, when it is there and matches. The bytes
 * are hashed as they are (the digest line is ASCII, so the body starts at byte 65) and the
 * body is decoded only when asked for: a cache pack's reader needs only the checksum of
 * the journal segments it cites (megabytes each on a large run).
 */
export function verified(bytes: Uint8Array | null): Verified | undefined {
  if (!bytes || bytes.byteLength <= DIGEST_LENGTH || bytes[DIGEST_LENGTH] !== NEWLINE) return undefined;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const checksum = buffer.toString('latin1', 0, DIGEST_LENGTH);
  const rest = buffer.subarray(DIGEST_LENGTH + 1);
  if (sha256Hex(rest) !== checksum) return undefined;
  let body: string | undefined;
  return {
    checksum,
    get body() {
      return (body ??= rest.toString('utf8'));
    },
  };
}

/** The checksum line of a text `checksummed` made (what `verified` gives for its bytes). */
export function checksumOf(text: string): string {
  return text.slice(0, 64);
}
