import type { z } from 'zod';
import type { AssetHandler } from '../contracts/handler.js';
import type { PluginBase } from '../contracts/plugin.js';
import { buildFactory, type ContractShape, type NoOptions, type PluginDefinition, type PluginFactory, type PluginIdentity } from './define-plugin.js';

/** What a handler's setup returns: the AssetHandler contract without identity. */
export type HandlerMembers = Omit<AssetHandler<any, any, any>, keyof PluginBase>;

export const handlerShape: ContractShape = {
  required: ['read', 'write'],
  optional: ['describe', 'preview'],
  // A csv handler with another delimiter writes other bytes: its options go into the keys.
  optionsShapeOutput: true,
  check(impl) {
    const ext = impl.extensions;
    // Output paths get the first extension; the planner matches files by all of them.
    if (!Array.isArray(ext) || ext.length === 0 || ext.some((e) => typeof e !== 'string' || e.length === 0 || e.startsWith('.'))) {
      return `needs \`extensions\`: a non-empty list of file extensions without the dot (got ${JSON.stringify(ext)}).`;
    }
    return undefined;
  },
};

/**
 * Defines an asset handler: validates its options, runs `setup`, fills identity (the
 * version, and a digest of options other than the defaults, go into cache keys) and refuses an object without `read`, `write` or
 * `extensions` (PLUGIN_INVALID naming the plugin and what is missing).
 */
export function defineHandler<Schema extends z.ZodType = NoOptions, Impl extends HandlerMembers = HandlerMembers>(
  definition: PluginDefinition<Schema, Impl>,
): PluginFactory<Schema, Impl & AssetHandler<any, any, any> & PluginIdentity<'handler'>> {
  return buildFactory('handler', handlerShape, definition as PluginDefinition<z.ZodType, unknown>) as never;
}
