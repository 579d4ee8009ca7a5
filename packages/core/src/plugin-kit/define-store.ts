import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { PluginBase } from '../contracts/plugin.js';
import type { Store } from '../contracts/store.js';
import { buildFactory, type ContractShape, type NoOptions, type PluginDefinition, type PluginFactory, type PluginIdentity } from './define-plugin.js';

/** What a store's setup returns: the Store contract without identity; `getBytes` may be left to the default. */
export type StoreMembers = Omit<Store, keyof PluginBase | 'getBytes'> & Partial<Pick<Store, 'getBytes'>>;

async function bytesOf(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return new Uint8Array(Buffer.concat(chunks));
}

export const storeShape: ContractShape = {
  required: ['has', 'get', 'getBytes', 'put', 'list', 'delete'],
  optional: ['putFile', 'getFile', 'hasMany', 'gc', 'close'],
  // Core reads records and manifests with getBytes; a store that only streams gets it from get.
  defaults: {
    getBytes: (impl) => async (key: string) => {
      const stream = await (impl.get as Store['get'])(key);
      return stream ? bytesOf(stream) : null;
    },
  },
};

/**
 * Defines a store plugin: validates its options, runs `setup`, fills `kind`, `name`,
 * `version`, `packageName` and a `getBytes` built on `get`, and refuses an object that
 * lacks a method the engine calls (PLUGIN_INVALID naming the plugin and the method).
 *
 * ```ts
 * export const myStore = defineStore({ name: 'mine', packageName, version, options: schema, setup: (o) => ({ has, get, put, list, delete: del }) });
 * ```
 */
export function defineStore<Schema extends z.ZodType = NoOptions, Impl extends StoreMembers = StoreMembers>(
  definition: PluginDefinition<Schema, Impl>,
): PluginFactory<Schema, Impl & Store & PluginIdentity<'store'>> {
  return buildFactory('store', storeShape, definition as PluginDefinition<z.ZodType, unknown>) as never;
}
