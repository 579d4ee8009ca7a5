import { describe, expect, it, vi } from 'vitest';
import { checksummed, verified, verifiedBody } from '../src/checksummed.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('checksummed files', () => {
  it('verifies the bytes against the digest line and gives the body, also with non-ASCII text', () => {
    const body = 'première ligne\n{"µ":"∑"}';
    const found = verified(bytes(checksummed(body)));
    expect(found?.checksum).toBe(checksummed(body).slice(0, 64));
    expect(found?.body).toBe(body);
    expect(verifiedBody(bytes(checksummed('')))).toBe('');
  });

  it('refuses a missing file, a torn or altered body and a file without a digest line', () => {
    const text = checksummed('{"a":1}\n{"b":2}');
    expect(verified(null)).toBeUndefined();
    expect(verified(bytes(text.slice(0, -3)))).toBeUndefined();
    expect(verified(bytes(text.replace('"b"', '"c"')))).toBeUndefined();
    expect(verified(bytes(`x${text}`))).toBeUndefined();
    expect(verified(bytes('{"a":1}'))).toBeUndefined();
    expect(verified(bytes(text.slice(0, 64)))).toBeUndefined();
  });

  it('decodes the body only when it is asked for (a pack reader needs only the checksum of a segment)', () => {
    const file = bytes(checksummed('{"a":1}\n{"b":2}'));
    const toString = vi.spyOn(Buffer.prototype, 'toString');
    const utf8Decodes = () => toString.mock.calls.filter(([encoding]) => encoding === undefined || encoding === 'utf8').length;
    try {
      const found = verified(file)!;
      expect(found.checksum).toHaveLength(64);
      expect(utf8Decodes()).toBe(0);
      expect(found.body).toBe('{"a":1}\n{"b":2}');
      expect(found.body).toBe('{"a":1}\n{"b":2}');
      expect(utf8Decodes()).toBe(1);
    } finally {
      toString.mockRestore();
    }
  });

  it('reads a view into a larger buffer (a store may hand out a slice of a pooled one)', () => {
    const text = checksummed('{"a":1}');
    const pooled = Buffer.concat([bytes('junk before'), bytes(text), bytes('junk after')]);
    const view = pooled.subarray('junk before'.length, 'junk before'.length + Buffer.byteLength(text));
    expect(verified(view)?.body).toBe('{"a":1}');
  });
});
