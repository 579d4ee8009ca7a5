import type { z } from 'zod';
import type { ConfigLoader } from '../contracts/config-loader.js';
import type { PluginBase } from '../contracts/plugin.js';
import { buildFactory, type ContractShape, type NoOptions, type PluginDefinition, type PluginFactory, type PluginIdentity } from './define-plugin.js';

/** What a config loader's setup returns: the ConfigLoader contract without identity. */
export type ConfigLoaderMembers = Omit<ConfigLoader, keyof PluginBase>;

export const configLoaderShape: ContractShape = { required: ['load'], optional: [] };

/**
 * Defines a config loader: validates its options, runs `setup`, fills identity and
 * refuses an object without `load` (PLUGIN_INVALID naming the plugin).
 */
export function defineConfigLoader<Schema extends z.ZodType = NoOptions, Impl extends ConfigLoaderMembers = ConfigLoaderMembers>(
  definition: PluginDefinition<Schema, Impl>,
): PluginFactory<Schema, Impl & ConfigLoader & PluginIdentity<'config'>> {
  return buildFactory('config', configLoaderShape, definition as PluginDefinition<z.ZodType, unknown>) as never;
}
