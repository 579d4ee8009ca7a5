import { defineHandler, parsePluginOptions, type AssetHandler, type PluginBase } from '@aeroml/core';
import { version } from '../package.json';
import { DTYPES, type NDArray } from './ndarray.js';
import { readNpy, toNDArray, writeNpy } from './npy.js';
import { readNpz, writeNpz, type NpzArrays, type NpzReadOptions } from './npz.js';
import { checkOptions, npyOptionsSchema, npyReadOptionsSchema, npyWriteOptionsSchema, npzReadOptionsSchema, type NpyOptions, type NpyWriteOptions, type ResolvedNpyOptions } from './options.js';
import { PLUGIN } from './errors.js';
import { previewNpy } from './preview.js';

export type NpyHandler = AssetHandler<NDArray, Record<string, never>, NpyWriteOptions>;
export type NpzHandler = AssetHandler<NpzArrays, NpzReadOptions, NpyWriteOptions>;

function settings(base: ResolvedNpyOptions, perWrite: NpyWriteOptions | undefined, handler: string): ResolvedNpyOptions {
  if (perWrite === undefined) return base;
  return { ...base, ...stripUndefined(parsePluginOptions(npyWriteOptionsSchema, perWrite, { packageName: PLUGIN, subject: `write options of the ${handler} handler` })) };
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

const npyHandler = defineHandler({
  name: 'npy',
  packageName: PLUGIN,
  version,
  factory: 'npyHandlers',
  options: npyOptionsSchema,
  setup: (base): Omit<NpyHandler, keyof PluginBase> => ({
    extensions: ['npy'],
    read: async (path, readOptions) => {
      checkOptions(npyReadOptionsSchema, readOptions, 'read options of the npy handler');
      return readNpy(path);
    },
    write: async (path, value, writeOptions) => writeNpy(path, value, settings(base, writeOptions, 'npy')),
    describe: (value) => describeArray(toNDArray(value, 'value')),
    preview: previewNpy,
  }),
});

const npzHandler = defineHandler({
  name: 'npz',
  packageName: PLUGIN,
  version,
  factory: 'npyHandlers',
  options: npyOptionsSchema,
  setup: (base): Omit<NpzHandler, keyof PluginBase> => ({
    extensions: ['npz'],
    read: async (path, readOptions) => {
      checkOptions(npzReadOptionsSchema, readOptions, 'read options of the npz handler');
      return readNpz(path, readOptions ?? {});
    },
    write: async (path, value, writeOptions) => writeNpz(path, value, settings(base, writeOptions, 'npz')),
    describe: (value) => ({
      arrays: Object.fromEntries(Object.entries(value).map(([name, array]) => [name, describeArray(toNDArray(array, name))])),
    }),
  }),
});

/**
 * The `npy` and `npz` handlers: `plugins: [npyHandlers()]`.
 * Values are `NDArray`s (`.npy`) and `{ name: NDArray }` objects (`.npz`).
 */
export function npyHandlers(options: NpyOptions = {}): [NpyHandler, NpzHandler] {
  return [npyHandler(options), npzHandler(options)];
}
