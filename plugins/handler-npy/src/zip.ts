import type { FileHandle } from 'node:fs/promises';
import { npyError, NpyErrorCodes } from './errors.js';
import { writeAt } from './io.js';

/**
 * The small part of ZIP that .npz needs: read the central directory (with ZIP64),
 * and write stored or deflated entries with sizes and CRC patched in afterwards.
 */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
/** 1980-01-01 00:00:00 in DOS format: fixed so the same arrays always give the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

async function readBytes(fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await fh.read(out, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return out.subarray(0, filled);
}

function zipInvalid(where: string, problem: string) {
  return npyError(NpyErrorCodes.ZIP_INVALID, `${where} is not a readable NPZ (zip) archive: ${problem}.`, {
    hint: 'Write it with numpy.savez / numpy.savez_compressed (or the npz handler); the file may be truncated.',
  });
}

function u64(view: DataView, offset: number): number {
  return Number(view.getBigUint64(offset, true));
}

/** Lists the archive's entries from its central directory. */
export async function readCentralDirectory(fh: FileHandle, fileSize: number, where: string): Promise<ZipEntry[]> {
  const tailLength = Math.min(fileSize, 22 + 0xffff + 20);
  const tailStart = fileSize - tailLength;
  const tail = await readBytes(fh, tailStart, tailLength);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.length);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    const head = await readBytes(fh, 0, 4);
    const isZip = head.length === 4 && new DataView(head.buffer).getUint32(0, true) === SIG_LOCAL;
    throw zipInvalid(where, isZip ? 'the end-of-central-directory record is missing (the file is truncated)' : 'it does not start with a zip signature');
  }
  let entries = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  if (entries === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    const locator = eocd - 20;
    if (locator < 0 || tv.getUint32(locator, true) !== SIG_ZIP64_LOCATOR) throw zipInvalid(where, 'the ZIP64 end-of-central-directory locator is missing');
    const recordOffset = u64(tv, locator + 8);
    const record = await readBytes(fh, recordOffset, 56);
    const rv = new DataView(record.buffer);
    if (record.length < 56 || rv.getUint32(0, true) !== SIG_ZIP64_EOCD) throw zipInvalid(where, 'the ZIP64 end-of-central-directory record is damaged');
    entries = u64(rv, 32);
    cdSize = u64(rv, 40);
    cdOffset = u64(rv, 48);
  }
  if (cdOffset + cdSize > fileSize) throw zipInvalid(where, 'the central directory points past the end of the file');
  const cd = await readBytes(fh, cdOffset, cdSize);
  const cv = new DataView(cd.buffer, cd.byteOffset, cd.length);
  const out: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < entries; i++) {
    if (p + 46 > cd.length || cv.getUint32(p, true) !== SIG_CENTRAL) throw zipInvalid(where, `central directory entry ${i} is damaged`);
    const flags = cv.getUint16(p + 8, true);
    const method = cv.getUint16(p + 10, true);
    const crc32 = cv.getUint32(p + 16, true);
    let compressedSize = cv.getUint32(p + 20, true);
    let uncompressedSize = cv.getUint32(p + 24, true);
    const nameLength = cv.getUint16(p + 28, true);
    const extraLength = cv.getUint16(p + 30, true);
    const commentLength = cv.getUint16(p + 32, true);
    let localHeaderOffset = cv.getUint32(p + 42, true);
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
    // ZIP64 extended information: only the fields that overflowed, in this order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = cv.getUint16(e, true);
      const size = cv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressedSize === U32_MAX) (uncompressedSize = u64(cv, q)), (q += 8);
        if (compressedSize === U32_MAX) (compressedSize = u64(cv, q)), (q += 8);
        if (localHeaderOffset === U32_MAX) localHeaderOffset = u64(cv, q);
      }
      e += 4 + size;
    }
    out.push({ name, method, flags, crc32, compressedSize, uncompressedSize, localHeaderOffset });
    p = extraEnd + commentLength;
  }
  return out;
}

/** Offset of an entry's data: after its local header, whose name/extra lengths may differ from the central copy. */
export async function entryDataOffset(fh: FileHandle, entry: ZipEntry, where: string): Promise<number> {
  const header = await readBytes(fh, entry.localHeaderOffset, 30);
  const view = new DataView(header.buffer);
  if (header.length < 30 || view.getUint32(0, true) !== SIG_LOCAL) throw zipInvalid(where, `the local header of ${entry.name} is damaged`);
  return entry.localHeaderOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
}

interface WrittenEntry {
  nameBytes: Uint8Array;
  utf8: boolean;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** Writes entries one after another; `finish()` appends the central directory. */
export class ZipWriter {
  position = 0;
  private readonly entries: WrittenEntry[] = [];

  constructor(private readonly fh: FileHandle) {}

  /**
   * Writes a local header for an entry whose uncompressed size is known up front, runs
   * `body` (which writes the entry data starting at `this.position` and returns its crc
   * and compressed size), then patches the header.
   */
  async addEntry(name: string, method: 0 | 8, uncompressedSize: number, body: (dataStart: number) => Promise<{ crc32: number; compressedSize: number }>): Promise<void> {
    const utf8 = /[^\x20-\x7e]/.test(name);
    const nameBytes = new TextEncoder().encode(name);
    // Like Python's zipfile: use ZIP64 when the data could come near 4 GiB.
    const zip64 = uncompressedSize * 1.05 > U32_MAX;
    const header = new Uint8Array(30 + nameBytes.length + (zip64 ? 20 : 0));
    const hv = new DataView(header.buffer);
    const localHeaderOffset = this.position;
    hv.setUint32(0, SIG_LOCAL, true);
    hv.setUint16(4, zip64 ? 45 : 20, true);
    hv.setUint16(6, utf8 ? 0x800 : 0, true);
    hv.setUint16(8, method, true);
    hv.setUint16(10, DOS_TIME, true);
    hv.setUint16(12, DOS_DATE, true);
    hv.setUint16(26, nameBytes.length, true);
    hv.setUint16(28, zip64 ? 20 : 0, true);
    header.set(nameBytes, 30);
    if (zip64) {
      hv.setUint16(30 + nameBytes.length, 0x0001, true);
      hv.setUint16(32 + nameBytes.length, 16, true);
    }
    await writeAt(this.fh, header, localHeaderOffset);
    this.position += header.length;
    const { crc32, compressedSize } = await body(this.position);
    this.position += compressedSize;
    hv.setUint32(14, crc32, true);
    if (zip64) {
      hv.setUint32(18, U32_MAX, true);
      hv.setUint32(22, U32_MAX, true);
      hv.setBigUint64(34 + nameBytes.length, BigInt(uncompressedSize), true);
      hv.setBigUint64(42 + nameBytes.length, BigInt(compressedSize), true);
    } else {
      hv.setUint32(18, compressedSize, true);
      hv.setUint32(22, uncompressedSize, true);
    }
    await writeAt(this.fh, header, localHeaderOffset);
    this.entries.push({ nameBytes, utf8, method, crc32, compressedSize, uncompressedSize, localHeaderOffset });
  }

  /** Appends the central directory and the end records (ZIP64 ones when needed). */
  async finish(): Promise<void> {
    const parts: Uint8Array[] = [];
    const cdOffset = this.position;
    for (const entry of this.entries) {
      const big = [entry.uncompressedSize, entry.compressedSize, entry.localHeaderOffset].map((v) => v >= U32_MAX);
      const extraSize = big.filter(Boolean).length * 8;
      const record = new Uint8Array(46 + entry.nameBytes.length + (extraSize ? 4 + extraSize : 0));
      const v = new DataView(record.buffer);
      const needs64 = extraSize > 0;
      v.setUint32(0, SIG_CENTRAL, true);
      v.setUint16(4, (3 << 8) | (needs64 ? 45 : 20), true); // made by Unix
      v.setUint16(6, needs64 ? 45 : 20, true);
      v.setUint16(8, entry.utf8 ? 0x800 : 0, true);
      v.setUint16(10, entry.method, true);
      v.setUint16(12, DOS_TIME, true);
      v.setUint16(14, DOS_DATE, true);
      v.setUint32(16, entry.crc32, true);
      v.setUint32(20, big[1] ? U32_MAX : entry.compressedSize, true);
      v.setUint32(24, big[0] ? U32_MAX : entry.uncompressedSize, true);
      v.setUint16(28, entry.nameBytes.length, true);
      v.setUint16(30, extraSize ? 4 + extraSize : 0, true);
      v.setUint32(38, (0o100644 << 16) >>> 0, true); // regular file, rw-r--r--
      v.setUint32(42, big[2] ? U32_MAX : entry.localHeaderOffset, true);
      record.set(entry.nameBytes, 46);
      if (extraSize) {
        let q = 46 + entry.nameBytes.length;
        v.setUint16(q, 0x0001, true);
        v.setUint16(q + 2, extraSize, true);
        q += 4;
        if (big[0]) (v.setBigUint64(q, BigInt(entry.uncompressedSize), true), (q += 8));
        if (big[1]) (v.setBigUint64(q, BigInt(entry.compressedSize), true), (q += 8));
        if (big[2]) v.setBigUint64(q, BigInt(entry.localHeaderOffset), true);
      }
      parts.push(record);
    }
    const cdSize = parts.reduce((n, p) => n + p.length, 0);
    const zip64 = this.entries.length >= U16_MAX || cdOffset >= U32_MAX || cdSize >= U32_MAX;
    if (zip64) {
      const record = new Uint8Array(56 + 20);
      const v = new DataView(record.buffer);
      const recordOffset = cdOffset + cdSize;
      v.setUint32(0, SIG_ZIP64_EOCD, true);
      v.setBigUint64(4, 44n, true);
      v.setUint16(12, (3 << 8) | 45, true);
      v.setUint16(14, 45, true);
      v.setBigUint64(24, BigInt(this.entries.length), true);
      v.setBigUint64(32, BigInt(this.entries.length), true);
      v.setBigUint64(40, BigInt(cdSize), true);
      v.setBigUint64(48, BigInt(cdOffset), true);
      v.setUint32(56, SIG_ZIP64_LOCATOR, true);
      v.setBigUint64(64, BigInt(recordOffset), true);
      v.setUint32(72, 1, true);
      parts.push(record);
    }
    const end = new Uint8Array(22);
    const ev = new DataView(end.buffer);
    ev.setUint32(0, SIG_EOCD, true);
    ev.setUint16(8, Math.min(this.entries.length, U16_MAX), true);
    ev.setUint16(10, Math.min(this.entries.length, U16_MAX), true);
    ev.setUint32(12, cdSize >= U32_MAX ? U32_MAX : cdSize, true);
    ev.setUint32(16, cdOffset >= U32_MAX ? U32_MAX : cdOffset, true);
    parts.push(end);
    for (const part of parts) {
      await writeAt(this.fh, part, this.position);
      this.position += part.length;
    }
  }
}
