/**
 * FITS checksums (Seaman, Pence & Rots, "FITS Checksum Proposal", the convention astropy
 * and cfitsio use): a 32-bit ones' complement sum of the big-endian words of an HDU.
 * DATASUM is the sum of the data unit as a decimal string; CHECKSUM is encoded as 16
 * ASCII characters so that the sum of the whole HDU (header with CHECKSUM + data) is -0.
 */
export class OnesComplementSum {
  private hi = 0;
  private lo = 0;
  /** Bytes added so far, modulo 4: where the next byte falls in its 32-bit word. */
  private phase = 0;

  constructor(initial = 0) {
    this.hi = initial >>> 16;
    this.lo = initial & 0xffff;
  }

  add(bytes: Uint8Array): this {
    let i = 0;
    const n = bytes.length;
    let hi = this.hi;
    let lo = this.lo;
    while (this.phase !== 0 && i < n) {
      const b = bytes[i++]!;
      if (this.phase === 1) hi += b;
      else if (this.phase === 2) lo += b << 8;
      else lo += b;
      this.phase = (this.phase + 1) & 3;
    }
    const whole = n - ((n - i) & 3);
    for (; i < whole; i += 4) {
      hi += (bytes[i]! << 8) | bytes[i + 1]!;
      lo += (bytes[i + 2]! << 8) | bytes[i + 3]!;
    }
    for (; i < n; i++) {
      const b = bytes[i]!;
      if (this.phase === 0) hi += b << 8;
      else if (this.phase === 1) hi += b;
      else if (this.phase === 2) lo += b << 8;
      else lo += b;
      this.phase = (this.phase + 1) & 3;
    }
    // Fold the carries now and then so the accumulators stay exact doubles.
    if (hi > 2 ** 48 || lo > 2 ** 48) [hi, lo] = fold(hi, lo);
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  /** The 32-bit ones' complement sum (unsigned). */
  value(): number {
    const [hi, lo] = fold(this.hi, this.lo);
    return ((hi << 16) >>> 0) + lo;
  }
}

function fold(hi: number, lo: number): [number, number] {
  // End-around carry: the carry out of the high half goes into the low half and vice versa.
  for (;;) {
    const hiCarry = Math.floor(hi / 65536);
    const loCarry = Math.floor(lo / 65536);
    if (hiCarry === 0 && loCarry === 0) return [hi, lo];
    hi = (hi % 65536) + loCarry;
    lo = (lo % 65536) + hiCarry;
  }
}

/** Ones' complement addition of two 32-bit sums. */
export function addSums(a: number, b: number): number {
  const sum = a + b;
  return sum > 0xffffffff ? sum - 0xffffffff : sum;
}

export function checksumOf(bytes: Uint8Array, initial = 0): number {
  return new OnesComplementSum(initial).add(bytes).value();
}

const EXCLUDE = new Set([0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60]);

/** Encodes a sum as the 16-character CHECKSUM value (complemented, as the convention requires). */
export function encodeChecksum(sum: number, complement = true): string {
  const value = complement ? (0xffffffff - sum) >>> 0 : sum >>> 0;
  const asc = new Array<number>(16);
  for (let i = 0; i < 4; i++) {
    const byte = (value >>> (24 - 8 * i)) & 0xff;
    const quotient = Math.floor(byte / 4) + 0x30;
    const remainder = byte % 4;
    const ch = [quotient + remainder, quotient, quotient, quotient];
    for (let check = true; check; ) {
      check = false;
      for (let j = 0; j < 4; j += 2) {
        if (EXCLUDE.has(ch[j]!) || EXCLUDE.has(ch[j + 1]!)) {
          ch[j]!++;
          ch[j + 1]!--;
          check = true;
        }
      }
    }
    for (let j = 0; j < 4; j++) asc[4 * j + i] = ch[j]!;
  }
  // Rotate one character to the right.
  return String.fromCharCode(...Array.from({ length: 16 }, (_, i) => asc[(i + 15) % 16]!));
}
