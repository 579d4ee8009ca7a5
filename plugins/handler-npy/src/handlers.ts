import type { AssetHandler } from '@aeroml/core';
import { version } from '../package.json';
import { DTYPES, type NDArray } from './ndarray.js';
import { readNpy, toNDArray, writeNpy } from './npy.js';
import { readNpz, writeNpz, type NpzArrays, type NpzReadOptions } from './npz.js';
import { npyOptionsSchema, npyWriteOptionsSchema, parseOptions, type NpyOptions, type NpyWriteOptions, type ResolvedNpyOptions } from './options.js';
import { PLUGIN } from './errors.js';
import { previewNpy } from './preview.js';

export type NpyHandler = AssetHandler<NDArray, Record<string, never>, NpyWriteOptions>;
export type NpzHandler = AssetHandler<NpzArrays, NpzReadOptions, NpyWriteOptions>;

function settings(base: ResolvedNpyOptions, perWrite: NpyWriteOptions | undefined, context: string): ResolvedNpyOptions {
  if (perWrite === undefined) return base;
  return { ...base, ...stripUndefined(parseOptions(npyWriteOptionsSchema, perWrite, context)) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function describeArray(array: NDArray): Record<string, unknown> {
  return {
    dtype: array.dtype,
    shape: [...array.shape],
    fortranOrder: array.fortranOrder,
    bytes: array.data.length * (DTYPES[array.dtype].itemsize / DTYPES[array.dtype].lanes),
  };
}

/**
 * The `npy` and `npz` handlers: `plugins: [npyHandlers()]`.
 * Values are `NDArray`s (`.npy`) and `{ name: NDArray }` objects (`.npz`).
 */
export function npyHandlers(options: NpyOptions = {}): [NpyHandler, NpzHandler] {
  const base = parseOptions(npyOptionsSchema, options, 'npyHandlers');
  const npy: NpyHandler = {
    kind: 'handler',
    name: 'npy',
    version,
    packageName: PLUGIN,
    extensions: ['npy'],
    read: (path) => readNpy(path),
    write: async (path, value, writeOptions) => writeNpy(path, value, settings(base, writeOptions, 'npy.write')),
    describe: (value) => describeArray(toNDArray(value, 'value')),
    preview: previewNpy,
  };
  const npz: NpzHandler = {
    kind: 'handler',
    name: 'npz',
    version,
    packageName: PLUGIN,
    extensions: ['npz'],
    read: (path, readOptions) => readNpz(path, readOptions ?? {}),
    write: async (path, value, writeOptions) => writeNpz(path, value, settings(base, writeOptions, 'npz.write')),
    describe: (value) => ({
      arrays: Object.fromEntries(Object.entries(value).map(([name, array]) => [name, describeArray(toNDArray(array, name))])),
    }),
  };
  return [npy, npz];
}
