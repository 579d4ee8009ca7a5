import type { FileHandle } from 'node:fs/promises';
import { isAeroError } from '@aeroml/core';
import type { Bitpix, FitsCard, FitsFile, FitsHDU, FitsHeader, FitsImage, FitsTable } from './types.js';
import { BLOCK, parseHeaderCards, splitCards } from './header.js';
import { addSums, checksumOf, OnesComplementSum } from './checksum.js';
import { BITPIX_TYPES, isBitpix, readImageData, UNSIGNED, type Conversion } from './image.js';
import { columnSpecs, decodeColumn, isColumnKeyword } from './table.js';
import { allocate, openForRead, readAt, readFailed } from './io.js';
import { fitsError, FitsErrorCodes } from './errors.js';

/** Which HDU to read: index (0 = primary), EXTNAME, or EXTNAME + EXTVER. */
export type HduSelector = number | string | { name: string; ver?: number };

export interface FitsReadSettings {
  hdu?: HduSelector | undefined;
  /**
   * Read every HDU into `{ hdus: [...] }`. Without `hdu` or `all`, a read returns what a
   * write of the same value produced: the single HDU, the extension after an empty primary,
   * or all HDUs of a multi-extension file.
   */
  all?: boolean | undefined;
  /** Apply BSCALE/BZERO to images; false gives stored values with the cards kept in the header. (Table columns are always scaled.) */
  scale: boolean;
  /** Verify CHECKSUM/DATASUM of the HDUs read, when present. */
  verifyChecksums: boolean;
  /** BINTABLE: read only these columns (by TTYPE). */
  columns?: string[] | undefined;
  chunkSize: number;
}

/** What a header scan finds out about an HDU, without reading its data. */
export interface HduInfo {
  index: number;
  offset: number;
  headerBytes: Uint8Array;
  /** All cards, structural ones included, CONTINUE merged. */
  cards: FitsHeader;
  byKey: Map<string, FitsCard>;
  type: 'image' | 'bintable' | 'other';
  xtension: string | undefined;
  bitpix: Bitpix;
  naxis: number[];
  pcount: number;
  gcount: number;
  dataStart: number;
  dataBytes: number;
  name: string | undefined;
  ver: number;
}

/** Keywords the handler derives from data, never part of a returned header. */
const STRUCTURAL = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|GROUPS|TFIELDS|THEAP|CHECKSUM|DATASUM|END)$/;

function headerInvalid(where: string, problem: string) {
  return fitsError(FitsErrorCodes.HEADER_INVALID, `${where}: ${problem}.`, { hint: 'The file is damaged or not standard FITS; re-create it (astropy.io.fits can check it with hdul.verify()).' });
}

function intCard(byKey: Map<string, FitsCard>, key: string, where: string, fallback?: number): number {
  const value = byKey.get(key)?.value;
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw headerInvalid(where, `${key} is ${value === undefined ? 'missing' : `not an integer (${JSON.stringify(String(value))})`}`);
  return value;
}

/** Reads every HDU's header, skipping over data, and stops at the end of the file (or trailing non-FITS bytes). */
export async function scanHdus(fh: FileHandle, size: number, path: string): Promise<HduInfo[]> {
  const hdus: HduInfo[] = [];
  let offset = 0;
  while (offset + BLOCK <= size) {
    const index = hdus.length;
    const where = `${path} HDU ${index}`;
    const blocks: Uint8Array[] = [];
    let ended = false;
    let raw: ReturnType<typeof splitCards>['cards'] = [];
    for (let at = offset; !ended; at += BLOCK) {
      const block = new Uint8Array(BLOCK);
      const got = await readAt(fh, block, at);
      if (got < BLOCK) {
        if (index > 0 && blocks.length === 0) return hdus;
        throw fitsError(FitsErrorCodes.TRUNCATED, `${where} is truncated: the file ends inside its header (no END card).`, {
          hint: 'The file was cut short (interrupted copy or write); produce it again.',
        });
      }
      if (blocks.length === 0) {
        const first = Buffer.from(block.subarray(0, 8)).toString('latin1');
        if (index === 0 && first !== 'SIMPLE  ') {
          throw fitsError(FitsErrorCodes.NOT_FITS, `${path} is not a FITS file: it does not start with a SIMPLE card.`, {
            hint: 'Write it with astropy.io.fits (or the fits handler), or use the handler that matches its real format.',
          });
        }
        if (index > 0 && first !== 'XTENSION') return hdus; // trailing bytes after the last HDU
      }
      blocks.push(block);
      const text = Buffer.concat(blocks).toString('latin1');
      const split = splitCards(text);
      ended = split.ended;
      raw = split.cards;
    }
    const headerBytes = new Uint8Array(blocks.length * BLOCK);
    blocks.forEach((b, i) => headerBytes.set(b, i * BLOCK));
    const cards = parseHeaderCards(raw);
    const byKey = new Map<string, FitsCard>();
    for (const card of cards) if (!byKey.has(card.key)) byKey.set(card.key, card);
    if (index === 0 && byKey.get('SIMPLE')?.value !== true) throw headerInvalid(where, 'SIMPLE is not T (the file does not conform to the FITS standard)');
    const bitpix = byKey.get('BITPIX')?.value;
    if (!isBitpix(bitpix)) throw headerInvalid(where, `BITPIX is ${bitpix === undefined ? 'missing' : JSON.stringify(String(bitpix))}; it must be 8, 16, 32, 64, -32 or -64`);
    const naxisCount = intCard(byKey, 'NAXIS', where);
    if (naxisCount < 0 || naxisCount > 999) throw headerInvalid(where, `NAXIS is ${naxisCount}; it must be between 0 and 999`);
    const naxis: number[] = [];
    for (let n = 1; n <= naxisCount; n++) {
      const v = intCard(byKey, `NAXIS${n}`, where);
      if (v < 0) throw headerInvalid(where, `NAXIS${n} is negative`);
      naxis.push(v);
    }
    const xtensionValue = byKey.get('XTENSION')?.value;
    const xtension = typeof xtensionValue === 'string' ? xtensionValue.trim().toUpperCase() : undefined;
    const pcount = intCard(byKey, 'PCOUNT', where, 0);
    const gcount = intCard(byKey, 'GCOUNT', where, 1);
    const groups = byKey.get('GROUPS')?.value === true && naxis[0] === 0;
    const elements = naxisCount === 0 ? 0 : (groups ? naxis.slice(1) : naxis).reduce((a, b) => a * b, 1);
    const dataBytes = (Math.abs(bitpix) / 8) * gcount * (pcount + elements) * (naxisCount === 0 && pcount === 0 ? 0 : 1);
    const type = groups ? 'other' : index === 0 || xtension === 'IMAGE' ? 'image' : xtension === 'BINTABLE' ? 'bintable' : 'other';
    const extname = byKey.get('EXTNAME')?.value;
    const extver = byKey.get('EXTVER')?.value;
    const dataStart = offset + headerBytes.length;
    hdus.push({
      index,
      offset,
      headerBytes,
      cards,
      byKey,
      type,
      xtension: groups ? 'GROUPS' : (xtension ?? (index === 0 ? 'PRIMARY' : undefined)),
      bitpix,
      naxis,
      pcount,
      gcount,
      dataStart,
      dataBytes,
      name: typeof extname === 'string' ? extname.trim() : undefined,
      ver: typeof extver === 'number' ? extver : 1,
    });
    offset = dataStart + Math.ceil(dataBytes / BLOCK) * BLOCK;
  }
  if (hdus.length === 0) {
    throw fitsError(FitsErrorCodes.NOT_FITS, `${path} is not a FITS file: it is shorter than one 2880-byte block.`, {
      hint: 'Write it with astropy.io.fits (or the fits handler), or use the handler that matches its real format.',
    });
  }
  return hdus;
}

/** One line per HDU for messages: `0 PRIMARY image 100x200 int16`, `1 'SCI' image ...`. */
export function describeHdus(hdus: HduInfo[]): string {
  return hdus
    .map((h) => {
      const name = h.name ? ` '${h.name}'${h.ver !== 1 ? ` ver ${h.ver}` : ''}` : '';
      const what = h.type === 'bintable' ? `table ${h.naxis[1] ?? 0} rows` : h.type === 'image' ? `image ${h.naxis.length ? [...h.naxis].reverse().join('x') : '(no data)'}` : (h.xtension ?? 'unknown');
      return `${h.index}${name} ${what}`;
    })
    .join('; ');
}

/**
 * What a read without `hdu`/`all` returns, so that reading gives back what was written and
 * never drops information: the only HDU; the extension when an empty primary (no data, no
 * header cards of its own) precedes exactly one extension; otherwise every HDU.
 */
function defaultSelection(hdus: HduInfo[]): HduInfo | 'all' {
  if (hdus.length === 1) return hdus[0]!;
  const primary = hdus[0]!;
  const primaryIsEmpty = primary.dataBytes === 0 && userHeader(primary.cards, () => false).length === 0;
  return hdus.length === 2 && primaryIsEmpty ? hdus[1]! : 'all';
}

function selectHdu(hdus: HduInfo[], selector: HduSelector, path: string): HduInfo {
  let found: HduInfo | undefined;
  if (typeof selector === 'number') found = Number.isInteger(selector) ? hdus[selector] : undefined;
  else {
    const name = (typeof selector === 'string' ? selector : selector.name).trim().toUpperCase();
    const ver = typeof selector === 'string' ? undefined : selector.ver;
    found = hdus.find((h) => h.name?.toUpperCase() === name && (ver === undefined || h.ver === ver));
  }
  if (!found) {
    const what = typeof selector === 'number' ? `HDU ${selector}` : typeof selector === 'string' ? `HDU with EXTNAME '${selector}'` : `HDU with EXTNAME '${selector.name}'${selector.ver !== undefined ? ` and EXTVER ${selector.ver}` : ''}`;
    throw fitsError(FitsErrorCodes.HDU_NOT_FOUND, `${path} has no ${what}; it has ${hdus.length} HDU${hdus.length === 1 ? '' : 's'}: ${describeHdus(hdus)}.`, {
      hint: 'Pick an index or EXTNAME from the list (option `hdu`).',
    });
  }
  return found;
}

export const DEFAULT_READ_SETTINGS: FitsReadSettings = { scale: true, verifyChecksums: true, chunkSize: 16 * 1024 * 1024 };

/** Reads the selected HDU (or all of them with `all`). */
export async function readFits(path: string, options: Partial<FitsReadSettings> = {}): Promise<FitsHDU | FitsFile> {
  const settings: FitsReadSettings = { ...DEFAULT_READ_SETTINGS, ...options };
  const fh = await openForRead(path);
  try {
    const { size } = await fh.stat();
    const hdus = await scanHdus(fh, size, path);
    const selected = settings.all ? 'all' : settings.hdu === undefined ? defaultSelection(hdus) : selectHdu(hdus, settings.hdu, path);
    if (selected === 'all') {
      const out: FitsHDU[] = [];
      for (const info of hdus) out.push(await readHdu(fh, info, settings, path));
      return { hdus: out };
    }
    return await readHdu(fh, selected, settings, path);
  } catch (error) {
    if (isAeroError(error)) throw error;
    throw readFailed(path, error);
  } finally {
    await fh.close();
  }
}

/** Lists the HDUs of a file (index, EXTNAME, type, shape) without reading data. */
export async function listHdus(path: string): Promise<Array<{ index: number; name: string | undefined; ver: number; type: HduInfo['type']; bitpix: number; shape: number[] }>> {
  const fh = await openForRead(path);
  try {
    const { size } = await fh.stat();
    return (await scanHdus(fh, size, path)).map((h) => ({
      index: h.index,
      name: h.name,
      ver: h.ver,
      type: h.type,
      bitpix: h.bitpix,
      shape: h.type === 'bintable' ? [h.naxis[1] ?? 0] : [...h.naxis].reverse(),
    }));
  } finally {
    await fh.close();
  }
}

async function readHdu(fh: FileHandle, info: HduInfo, settings: FitsReadSettings, path: string): Promise<FitsHDU> {
  const where = `${path} HDU ${info.index}${info.name ? ` ('${info.name}')` : ''}`;
  if (info.type === 'other') {
    const what = info.xtension === 'GROUPS' ? 'random groups' : info.xtension === 'TABLE' ? 'an ASCII table (XTENSION = TABLE)' : `an extension of type '${info.xtension ?? '?'}'`;
    throw fitsError(FitsErrorCodes.HDU_UNSUPPORTED, `${where} is ${what}; @aeroml/handler-fits reads image HDUs and binary tables.`, {
      hint: 'Select another HDU with the `hdu` option, or convert the file with astropy (e.g. to a BINTABLE).',
    });
  }
  const datasumCard = info.byKey.get('DATASUM');
  const checksumCard = info.byKey.get('CHECKSUM');
  const verify = settings.verifyChecksums && (datasumCard !== undefined || checksumCard !== undefined);
  const sum = verify ? new OnesComplementSum() : undefined;
  const hdu = info.type === 'image' ? await readImage(fh, info, settings, sum, where) : await readTable(fh, info, settings, sum, where);
  if (sum) {
    // The data unit's padding counts too.
    const padded = Math.ceil(info.dataBytes / BLOCK) * BLOCK;
    if (padded > info.dataBytes) {
      const pad = new Uint8Array(padded - info.dataBytes);
      await readAt(fh, pad, info.dataStart + info.dataBytes);
      sum.add(pad);
    }
    verifyChecksums(info, sum.value(), where);
  }
  return hdu;
}

function verifyChecksums(info: HduInfo, datasum: number, where: string): void {
  const datasumValue = info.byKey.get('DATASUM')?.value;
  if (datasumValue !== undefined && datasumValue !== null && String(datasumValue).trim() !== '') {
    const recorded = Number(String(datasumValue).trim());
    if (recorded !== datasum) {
      throw fitsError(FitsErrorCodes.DATASUM_MISMATCH, `${where} is corrupt: its data sum is ${datasum} but DATASUM records ${String(datasumValue).trim()}.`, {
        hint: 'The data were changed or damaged after the checksum was written; produce the file again (or read with verifyChecksums: false to inspect it).',
      });
    }
  }
  const checksumValue = info.byKey.get('CHECKSUM')?.value;
  if (typeof checksumValue === 'string' && checksumValue.trim() !== '') {
    const total = addSums(checksumOf(info.headerBytes), datasum);
    if (total !== 0xffffffff && total !== 0) {
      throw fitsError(FitsErrorCodes.CHECKSUM_MISMATCH, `${where} is corrupt: its CHECKSUM '${checksumValue}' does not match the header and data (the HDU sums to 0x${total.toString(16).padStart(8, '0')}, not -0).`, {
        hint: 'The header or data were changed or damaged after the checksum was written; produce the file again (or read with verifyChecksums: false to inspect it).',
      });
    }
  }
}

function userHeader(cards: FitsHeader, drop: (key: string) => boolean): FitsHeader {
  return cards.filter((card) => !STRUCTURAL.test(card.key) && !drop(card.key));
}

function numberValue(card: FitsCard | undefined, fallback: number): number | bigint {
  const v = card?.value;
  return typeof v === 'number' || typeof v === 'bigint' ? v : fallback;
}

async function readImage(fh: FileHandle, info: HduInfo, settings: FitsReadSettings, sum: OnesComplementSum | undefined, where: string): Promise<FitsImage> {
  const bscale = Number(numberValue(info.byKey.get('BSCALE'), 1));
  const bzeroRaw = numberValue(info.byKey.get('BZERO'), 0);
  const bzero = Number(bzeroRaw);
  const blankValue = info.byKey.get('BLANK')?.value;
  const blank = typeof blankValue === 'number' || typeof blankValue === 'bigint' ? blankValue : undefined;
  const unsigned = UNSIGNED[info.bitpix];
  let conversion: Conversion;
  if (!settings.scale || (bscale === 1 && bzero === 0)) conversion = { kind: 'raw' };
  else if (bscale === 1 && unsigned && (typeof bzeroRaw === 'bigint' ? bzeroRaw : Number.isSafeInteger(bzero) ? BigInt(bzero) : undefined) === unsigned.bzero) conversion = { kind: 'unsigned' };
  else conversion = { kind: 'scaled', bscale, bzero, blank: info.bitpix > 0 ? blank : undefined, out: info.bitpix === 8 || info.bitpix === 16 || info.bitpix === -32 ? 'float32' : 'float64' };
  const count = info.naxis.length === 0 ? 0 : info.naxis.reduce((a, b) => a * b, 1);
  const data = await readImageData(fh, info.dataStart, info.bitpix, count, conversion, settings.chunkSize, sum, where);
  const dropScale = settings.scale ? (key: string) => key === 'BSCALE' || key === 'BZERO' : () => false;
  const image: FitsImage = { bitpix: info.bitpix, shape: [...info.naxis].reverse(), data, header: userHeader(info.cards, dropScale) };
  if (conversion.kind === 'scaled') image.scale = { bscale, bzero };
  return image;
}

async function readTable(fh: FileHandle, info: HduInfo, settings: FitsReadSettings, sum: OnesComplementSum | undefined, where: string): Promise<FitsTable> {
  const rowBytes = info.naxis[0] ?? 0;
  const rows = info.naxis[1] ?? 0;
  if (info.bitpix !== 8 || info.naxis.length !== 2) throw headerInvalid(where, `a BINTABLE needs BITPIX = 8 and NAXIS = 2 (has ${info.bitpix} and ${info.naxis.length})`);
  const tfields = intCard(info.byKey, 'TFIELDS', where);
  const specs = columnSpecs(info.byKey, tfields, rowBytes, where);
  let selected = specs;
  if (settings.columns) {
    const missing = settings.columns.filter((name) => !specs.some((s) => s.name === name));
    if (missing.length) {
      throw fitsError(FitsErrorCodes.COLUMN_NOT_FOUND, `${where} has no column ${missing.map((m) => `'${m}'`).join(', ')}; its columns are ${specs.map((s) => `'${s.name}'`).join(', ')}.`, {
        hint: 'Column names are the TTYPEn values, matched exactly.',
      });
    }
    selected = settings.columns.map((name) => specs.find((s) => s.name === name)!);
  }
  const tableBytes = rows * rowBytes;
  const table = new Uint8Array(allocate(tableBytes, where));
  const got = await readAt(fh, table, info.dataStart);
  if (got < tableBytes) {
    throw fitsError(FitsErrorCodes.TRUNCATED, `${where} is truncated: its table needs ${tableBytes} bytes but the file ends after ${got}.`, {
      hint: 'The file was cut short (interrupted copy or write); produce it again.',
    });
  }
  if (sum) {
    sum.add(table);
    // The heap (variable-length arrays) is part of the data unit's sum.
    const heap = info.dataBytes - tableBytes;
    for (let offset = 0; offset < heap; offset += settings.chunkSize) {
      const part = new Uint8Array(Math.min(settings.chunkSize, heap - offset));
      await readAt(fh, part, info.dataStart + tableBytes + offset);
      sum.add(part);
    }
  }
  const columns = selected.map((spec) => decodeColumn(table, rows, rowBytes, spec, where));
  return { rows, columns, header: userHeader(info.cards, isColumnKeyword) };
}

export { BITPIX_TYPES };
