import type { FileHandle } from 'node:fs/promises';
import type { Bitpix, FitsCard, FitsHDU, FitsHeader, FitsImage, FitsTable, FitsValue } from './types.js';
import { isFitsFile, isFitsTable } from './types.js';
import { BLOCK, formatCard, headerBytes } from './header.js';
import { addSums, checksumOf, encodeChecksum, OnesComplementSum } from './checksum.js';
import { BITPIX_TYPES, isBitpix, naturalBitpix, UNSIGNED, writeImageData, type ImageWritePlan } from './image.js';
import { encodeRows, isColumnKeyword, planTable, type ColumnPlan } from './table.js';
import { writeAt, writeFileAtomically } from './io.js';
import { fitsError, FitsErrorCodes } from './errors.js';
import { fileKeyProblems, hduKeyProblems, unrecognisedKeyProblems } from './value-keys.js';

export interface FitsWriteSettings {
  /** Add CHECKSUM and DATASUM cards to every HDU. */
  checksum: boolean;
  chunkSize: number;
}

const RESERVED = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|GROUPS|TFIELDS|THEAP|CHECKSUM|DATASUM|END|CONTINUE)$/;

type PlannedHdu =
  | { kind: 'image'; structural: FitsCard[]; user: FitsHeader; image: FitsImage; plan: ImageWritePlan; where: string }
  | { kind: 'table'; structural: FitsCard[]; user: FitsHeader; table: FitsTable; plans: ColumnPlan[]; rowBytes: number; where: string };

/** An empty primary HDU (no data), for files whose content is all in extensions. */
export function emptyPrimary(header: FitsHeader = []): FitsImage<Uint8Array> {
  return { bitpix: 8, shape: [], data: new Uint8Array(0), header };
}

/** An image value from a typed array: BITPIX follows the array type (Uint16Array → 16 with BZERO 32768). */
export function fitsImage<D extends FitsImage['data']>(data: D, shape: readonly number[], options: { header?: FitsHeader; bitpix?: Bitpix; scale?: { bscale: number; bzero: number } } = {}): FitsImage<D> {
  const natural = naturalBitpix(data);
  const image: FitsImage<D> = { bitpix: options.bitpix ?? natural?.bitpix ?? -64, shape: [...shape], data, header: options.header ?? [] };
  if (options.scale) image.scale = options.scale;
  return image;
}

function valueInvalid(where: string, problems: string[], hint: string) {
  return fitsError(FitsErrorCodes.VALUE_INVALID, `Cannot write ${where}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { hint });
}

function checkHeader(header: unknown, where: string, extraReserved: (key: string) => boolean): FitsHeader {
  if (header === undefined) return [];
  if (!Array.isArray(header)) throw valueInvalid(where, ['`header`: expected an array of cards { key, value, comment? }'], 'Pass header: [] when there is nothing to add.');
  const reserved = header.filter((card) => typeof card?.key === 'string' && (RESERVED.test(card.key.toUpperCase()) || extraReserved(card.key.toUpperCase()))).map((c) => c.key.toUpperCase());
  if (reserved.length) {
    throw fitsError(FitsErrorCodes.HEADER_INVALID, `Cannot write ${where}: the header sets ${[...new Set(reserved)].join(', ')}, which the fits handler derives from the data.`, {
      hint: 'Remove these cards: BITPIX/NAXISn come from the data, BSCALE/BZERO from `scale` (or the unsigned array type), CHECKSUM/DATASUM from the `checksum` option, table keywords from `columns`.',
    });
  }
  return header as FitsHeader;
}

function planImage(image: FitsImage, index: number, where: string): PlannedHdu {
  const problems: string[] = [];
  const natural = naturalBitpix(image.data);
  if (!natural) problems.push(`\`data\`: expected a typed array (Uint8Array, Int16Array, Float32Array, ...), got ${describe(image.data)}`);
  const shape = image.shape;
  const shapeOk = Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0);
  if (!shapeOk) problems.push(`\`shape\`: expected an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (image.bitpix !== undefined && !isBitpix(image.bitpix)) problems.push(`\`bitpix\`: expected 8, 16, 32, 64, -32 or -64, got ${JSON.stringify(image.bitpix)}`);
  const scale = image.scale;
  if (scale !== undefined && (typeof scale !== 'object' || !Number.isFinite(scale.bscale) || !Number.isFinite(scale.bzero) || scale.bscale === 0)) {
    problems.push('`scale`: expected { bscale, bzero } with finite numbers and bscale not 0');
  }
  if (natural && shapeOk) {
    const count = shape.length === 0 ? 0 : shape.reduce((a, b) => a * b, 1);
    if (image.data.length !== count) problems.push(`\`data\`: shape [${shape.join(', ')}] needs ${count} elements, got ${image.data.length}${shape.length === 0 ? ' (shape [] means no data)' : ''}`);
  }
  let bitpix: Bitpix = natural?.bitpix ?? 8;
  if (natural && isBitpix(image.bitpix)) {
    if (scale) {
      bitpix = image.bitpix;
      if (image.data instanceof BigInt64Array || image.data instanceof BigUint64Array) problems.push('`scale`: scaled images hold physical values in a Float32Array or Float64Array (or a 32-bit-or-smaller integer array)');
    } else if (image.bitpix !== natural.bitpix) {
      problems.push(
        `\`bitpix\`: ${image.bitpix} does not match ${image.data.constructor.name} data (that is BITPIX ${natural.bitpix}); pass \`scale\` to quantize into BITPIX ${image.bitpix}, or convert the data`,
      );
    }
  }
  if (problems.length) throw valueInvalid(where, problems, 'Build images with fitsImage(data, shape, { header }); shape is C order ([NAXIS2, NAXIS1]).');
  const unsigned = !scale && natural!.unsigned;
  const user = checkHeader(image.header, where, (key) => (key === 'BSCALE' || key === 'BZERO') && (scale !== undefined || unsigned));
  const structural: FitsCard[] =
    index === 0
      ? [{ key: 'SIMPLE', value: true, comment: 'conforms to FITS standard' }, { key: 'BITPIX', value: bitpix, comment: 'array data type' }]
      : [{ key: 'XTENSION', value: 'IMAGE', comment: 'Image extension' }, { key: 'BITPIX', value: bitpix, comment: 'array data type' }];
  structural.push({ key: 'NAXIS', value: shape.length, comment: 'number of array dimensions' });
  [...shape].reverse().forEach((n, i) => structural.push({ key: `NAXIS${i + 1}`, value: n }));
  if (index === 0) structural.push({ key: 'EXTEND', value: true });
  else structural.push({ key: 'PCOUNT', value: 0, comment: 'number of parameters' }, { key: 'GCOUNT', value: 1, comment: 'number of groups' });
  let blank: number | bigint | undefined;
  if (scale) {
    structural.push({ key: 'BSCALE', value: scale.bscale, float: true }, { key: 'BZERO', value: scale.bzero, float: true });
    const blankValue = user.find((c) => c.key.toUpperCase() === 'BLANK')?.value;
    if (typeof blankValue === 'number' || typeof blankValue === 'bigint') blank = blankValue;
  } else if (unsigned) {
    const bz = UNSIGNED[bitpix]!.bzero;
    structural.push({ key: 'BSCALE', value: 1 }, { key: 'BZERO', value: bz >= -(2n ** 53n) && bz <= 2n ** 53n ? Number(bz) : bz });
  }
  return { kind: 'image', structural, user, image, plan: { bitpix, unsigned, scale: scale ? { ...scale, blank } : undefined }, where };
}

function planTableHdu(table: FitsTable, where: string): PlannedHdu {
  const { plans, rowBytes } = planTable(table.rows, table.columns, where);
  const user = checkHeader(table.header, where, isColumnKeyword);
  const structural: FitsCard[] = [
    { key: 'XTENSION', value: 'BINTABLE', comment: 'binary table extension' },
    { key: 'BITPIX', value: 8, comment: 'array data type' },
    { key: 'NAXIS', value: 2, comment: 'number of array dimensions' },
    { key: 'NAXIS1', value: rowBytes, comment: 'length of dimension 1' },
    { key: 'NAXIS2', value: table.rows, comment: 'length of dimension 2' },
    { key: 'PCOUNT', value: 0, comment: 'number of group parameters' },
    { key: 'GCOUNT', value: 1, comment: 'number of groups' },
    { key: 'TFIELDS', value: plans.length, comment: 'number of table fields' },
    ...plans.flatMap((p) => p.cards),
  ];
  return { kind: 'table', structural, user, table, plans, rowBytes, where };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? ((value as object).constructor?.name ?? 'object') : typeof value;
}

/** Refuses misspelt keys before anything else: a dropped `headr` or `valeu` would write a file that silently lacks them. */
function refuseUnknownKeys(where: string, problems: string[]): void {
  if (problems.length) throw valueInvalid(where, problems, 'Fix or remove the listed keys; the @aeroml/handler-fits README, section Values, lists the keys of images, tables, columns and header cards.');
}

/** Checks the whole value and plans every HDU before a byte is written. */
export function planFits(value: FitsValue, path: string): PlannedHdu[] {
  let hdus: FitsHDU[];
  if (isFitsFile(value)) {
    refuseUnknownKeys(path, fileKeyProblems(value as unknown as Record<string, unknown>));
    hdus = value.hdus;
  } else if (isFitsTable(value)) {
    hdus = [emptyPrimary(), value];
  } else if (typeof value === 'object' && value !== null && 'data' in value) {
    hdus = [value];
  } else {
    const problems = [`expected a FITS image { bitpix, shape, data, header }, table { rows, columns, header } or file { hdus: [...] }, got ${describe(value)}`, ...unrecognisedKeyProblems(value)];
    throw valueInvalid(path, problems, 'See the @aeroml/handler-fits README, section Values.');
  }
  if (hdus.length === 0) throw valueInvalid(path, ['`hdus`: a FITS file needs at least a primary HDU'], 'Use emptyPrimary() for a primary HDU without data.');
  return hdus.map((hdu, index) => {
    const where = `${path} HDU ${index}`;
    if (isFitsTable(hdu)) {
      if (index === 0) throw valueInvalid(where, ['the primary HDU (hdus[0]) must be an image; a table can only be an extension'], 'Start hdus with emptyPrimary() (or write the table alone: it gets an empty primary).');
      refuseUnknownKeys(where, hduKeyProblems(hdu as unknown as Record<string, unknown>, 'table'));
      return planTableHdu(hdu, where);
    }
    if (typeof hdu !== 'object' || hdu === null) throw valueInvalid(where, [`expected an image or table, got ${describe(hdu)}`], 'See the @aeroml/handler-fits README, section Values.');
    refuseUnknownKeys(where, hduKeyProblems(hdu as unknown as Record<string, unknown>, 'data' in hdu ? 'image' : 'unknown'));
    return planImage(hdu, index, where);
  });
}

function cardImages(cards: FitsCard[], where: string): string[] {
  return cards.flatMap((card) => formatCard(card, where));
}

/** Writes a FITS file atomically; with `checksum`, each HDU's header is patched with CHECKSUM/DATASUM once its data are written. */
export async function writeFits(path: string, value: FitsValue, options: Partial<FitsWriteSettings> = {}): Promise<void> {
  const settings: FitsWriteSettings = { checksum: false, chunkSize: 16 * 1024 * 1024, ...options };
  const planned = planFits(value, path);
  // Format every header first so card errors surface before the file is created.
  const formatted = planned.map((hdu) => cardImages([...hdu.structural, ...hdu.user], hdu.where));
  await writeFileAtomically(path, async (fh) => {
    let position = 0;
    for (const [i, hdu] of planned.entries()) position = await writeHdu(fh, position, hdu, formatted[i]!, settings);
  });
}

const CHECKSUM_PLACEHOLDER = '0000000000000000';

async function writeHdu(fh: FileHandle, position: number, hdu: PlannedHdu, images: string[], settings: FitsWriteSettings): Promise<number> {
  const checksumCards = (datasum: string, checksum: string): string[] =>
    cardImages([{ key: 'CHECKSUM', value: checksum, comment: 'HDU checksum' }, { key: 'DATASUM', value: datasum, comment: 'data unit checksum' }], hdu.where);
  let header = headerBytes(settings.checksum ? [...images, ...checksumCards('0', CHECKSUM_PLACEHOLDER)] : images);
  await writeAt(fh, header, position);
  const dataStart = position + header.length;
  const sum = settings.checksum ? new OnesComplementSum() : undefined;
  let dataBytes: number;
  if (hdu.kind === 'image') {
    dataBytes = await writeImageData(fh, dataStart, hdu.image.data, hdu.plan, settings.chunkSize, sum, hdu.where);
  } else {
    dataBytes = await writeTableData(fh, dataStart, hdu, settings.chunkSize, sum);
  }
  const padded = Math.ceil(dataBytes / BLOCK) * BLOCK;
  if (padded > dataBytes) await writeAt(fh, new Uint8Array(padded - dataBytes), dataStart + dataBytes);
  if (sum) {
    const datasum = sum.value();
    const withDatasum = headerBytes([...images, ...checksumCards(String(datasum), CHECKSUM_PLACEHOLDER)]);
    const checksum = encodeChecksum(addSums(checksumOf(withDatasum), datasum));
    header = headerBytes([...images, ...checksumCards(String(datasum), checksum)]);
    await writeAt(fh, header, position);
  }
  return dataStart + padded;
}

async function writeTableData(fh: FileHandle, start: number, hdu: Extract<PlannedHdu, { kind: 'table' }>, chunkSize: number, sum: OnesComplementSum | undefined): Promise<number> {
  const { rowBytes, plans } = hdu;
  const rows = hdu.table.rows;
  const total = rows * rowBytes;
  if (total === 0) return 0;
  const perChunk = Math.max(1, Math.floor(chunkSize / rowBytes));
  const scratch = new Uint8Array(Math.min(perChunk, rows) * rowBytes);
  for (let first = 0; first < rows; first += perChunk) {
    const count = Math.min(perChunk, rows - first);
    const part = scratch.subarray(0, count * rowBytes);
    encodeRows(plans, rowBytes, first, count, part, hdu.where);
    sum?.add(part);
    await writeAt(fh, part, start + first * rowBytes);
  }
  return total;
}

export { BITPIX_TYPES };
