import { didYouMean, nearestNames } from '@aeroml/core';
import type { FitsCard, FitsColumn, FitsComplex, FitsFile, FitsImage, FitsTable } from './types.js';

// Every key each object of a write value may have. Typed as records of the interfaces so a
// field added to types.ts without being added here fails to compile.
const IMAGE_KEYS = keys<FitsImage>({ bitpix: true, shape: true, data: true, header: true, scale: true });
const TABLE_KEYS = keys<FitsTable>({ rows: true, columns: true, header: true });
const FILE_KEYS = keys<FitsFile>({ hdus: true });
const CARD_KEYS = keys<FitsCard>({ key: true, value: true, comment: true, float: true });
const COMPLEX_KEYS = keys<FitsComplex>({ re: true, im: true });
const SCALE_KEYS = keys<NonNullable<FitsImage['scale']>>({ bscale: true, bzero: true });
const COLUMN_KEYS = keys<FitsColumn>({ name: true, dtype: true, shape: true, data: true, format: true, unit: true, null: true, display: true, scale: true });

function keys<T>(record: Record<keyof T, true>): string[] {
  return Object.keys(record);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/**
 * One problem per key of `object` that `known` lacks, named by its path and answered with
 * the nearest valid key: a misspelt key would otherwise be dropped (`headr` writes no header,
 * `valeu` a card without value).
 */
function unknownKeys(object: Record<string, unknown>, known: readonly string[], path: string, what: string): string[] {
  return Object.keys(object)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const near = didYouMean(nearestNames(key, known));
      return `\`${path}${key}\`: unknown key (${what} has ${known.join(', ')}).${near ? ` ${near}` : ''}`;
    });
}

function headerKeys(header: unknown): string[] {
  if (!Array.isArray(header)) return [];
  return header.flatMap((card: unknown, i) => {
    if (!isPlainObject(card)) return [];
    const problems = unknownKeys(card, CARD_KEYS, `header[${i}].`, 'a header card');
    if (isPlainObject(card['value'])) problems.push(...unknownKeys(card['value'], COMPLEX_KEYS, `header[${i}].value.`, 'a complex value'));
    return problems;
  });
}

function scaleKeys(scale: unknown, path: string): string[] {
  return isPlainObject(scale) ? unknownKeys(scale, SCALE_KEYS, `${path}scale.`, '`scale`') : [];
}

/**
 * Unknown keys of one HDU and of the cards, columns and scales inside it, with paths relative
 * to the HDU. `unknown`: neither `data` nor `columns` is there, so either kind's keys are valid
 * and the nearest one is suggested (`colums` → `columns`).
 */
export function hduKeyProblems(hdu: Record<string, unknown>, kind: 'image' | 'table' | 'unknown'): string[] {
  if (kind === 'unknown') return [...unknownKeys(hdu, union(IMAGE_KEYS, TABLE_KEYS), '', 'an image or table HDU'), ...headerKeys(hdu['header'])];
  if (kind === 'image') return [...unknownKeys(hdu, IMAGE_KEYS, '', 'an image HDU'), ...scaleKeys(hdu['scale'], ''), ...headerKeys(hdu['header'])];
  const columns = Array.isArray(hdu['columns']) ? (hdu['columns'] as unknown[]) : [];
  const columnProblems = columns.flatMap((column, i) =>
    isPlainObject(column) ? [...unknownKeys(column, COLUMN_KEYS, `columns[${i}].`, 'a column'), ...scaleKeys(column['scale'], `columns[${i}].`)] : [],
  );
  return [...unknownKeys(hdu, TABLE_KEYS, '', 'a table HDU'), ...columnProblems, ...headerKeys(hdu['header'])];
}

/** Unknown keys of a `{ hdus }` file value (the HDUs are checked one by one). */
export function fileKeyProblems(file: Record<string, unknown>): string[] {
  return unknownKeys(file, FILE_KEYS, '', 'a file value');
}

/**
 * For an object that is no image, table or file: its keys none of them has, with the nearest
 * valid key (`colums` → `columns`), since a misspelt key is usually why it was not recognised.
 */
export function unrecognisedKeyProblems(value: unknown): string[] {
  if (!isPlainObject(value)) return [];
  return unknownKeys(value, union(IMAGE_KEYS, TABLE_KEYS, FILE_KEYS), '', 'an image, table or file value');
}

function union(...lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}
