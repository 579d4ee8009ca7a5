import type { z } from 'zod';
import type { Launcher } from '../contracts/launcher.js';
import type { PluginBase } from '../contracts/plugin.js';
import { buildFactory, type ContractShape, type NoOptions, type PluginDefinition, type PluginFactory, type PluginIdentity } from './define-plugin.js';

/** What a launcher's setup returns: the Launcher contract without identity. */
export type LauncherMembers = Omit<Launcher, keyof PluginBase>;

export const launcherShape: ContractShape = {
  required: ['submit', 'cancel'],
  optional: ['close'],
  check(impl) {
    const max = impl.maxConcurrency;
    if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1)) return `has \`maxConcurrency\` ${JSON.stringify(max)}; it must be a positive integer or absent.`;
    return undefined;
  },
};

/**
 * Defines a launcher: validates its options, runs `setup`, fills identity and refuses an
 * object without `submit` or `cancel` (PLUGIN_INVALID naming the plugin and the method).
 */
export function defineLauncher<Schema extends z.ZodType = NoOptions, Impl extends LauncherMembers = LauncherMembers>(
  definition: PluginDefinition<Schema, Impl>,
): PluginFactory<Schema, Impl & Launcher & PluginIdentity<'launcher'>> {
  return buildFactory('launcher', launcherShape, definition as PluginDefinition<z.ZodType, unknown>) as never;
}
