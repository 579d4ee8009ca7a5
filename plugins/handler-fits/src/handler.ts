import { defineHandler, parsePluginOptions, type AssetHandler, type PluginBase } from '@aeroml/core';
import { version } from '../package.json';
import type { FitsHDU, FitsValue } from './types.js';
import { isFitsFile, isFitsTable } from './types.js';
import { readFits } from './reader.js';
import { writeFits } from './writer.js';
import { previewFits } from './preview.js';
import { fitsOptionsSchema, fitsReadOptionsSchema, fitsWriteOptionsSchema, type FitsOptions, type ResolvedFitsOptions, type FitsReadOptions, type FitsWriteOptions } from './options.js';
import { PLUGIN } from './errors.js';

export type FitsHandler = AssetHandler<FitsValue, FitsReadOptions, FitsWriteOptions>;

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function describeHdu(hdu: FitsHDU): Record<string, unknown> {
  const extname = hdu.header?.find((c) => c.key === 'EXTNAME')?.value;
  const name = typeof extname === 'string' ? { name: extname } : {};
  if (isFitsTable(hdu)) return { type: 'table', ...name, rows: hdu.rows, columns: hdu.columns.map((c) => ({ name: c.name, dtype: c.dtype, shape: [...c.shape] })) };
  return { type: 'image', ...name, bitpix: hdu.bitpix, shape: [...hdu.shape], array: hdu.data?.constructor?.name ?? 'unknown' };
}

/**
 * The `fits` handler (extensions fits, fit, fts): images, binary tables and whole
 * multi-HDU files. `plugins: [fitsHandler({ checksum: true })]`.
 */
export const fitsHandler: (options?: FitsOptions) => FitsHandler = defineHandler({
  name: 'fits',
  packageName: PLUGIN,
  version,
  factory: 'fitsHandler',
  options: fitsOptionsSchema,
  setup: (base) => fitsMembers(base),
});

function fitsMembers(base: ResolvedFitsOptions): Omit<FitsHandler, keyof PluginBase> {
  return {
    extensions: ['fits', 'fit', 'fts'],
    async read(path, readOptions) {
      const perRead = parsePluginOptions(fitsReadOptionsSchema, readOptions ?? {}, { packageName: PLUGIN, subject: 'read options of the fits handler' });
      return readFits(path, { ...base, ...defined(perRead) });
    },
    async write(path, value, writeOptions) {
      const perWrite = parsePluginOptions(fitsWriteOptionsSchema, writeOptions ?? {}, { packageName: PLUGIN, subject: 'write options of the fits handler' });
      await writeFits(path, value, { ...base, ...defined(perWrite) });
    },
    describe(value) {
      if (isFitsFile(value)) return { hdus: value.hdus.map(describeHdu) };
      return describeHdu(value);
    },
    preview: previewFits,
  };
}
