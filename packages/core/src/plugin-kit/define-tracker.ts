import type { z } from 'zod';
import type { PluginBase } from '../contracts/plugin.js';
import type { Tracker } from '../contracts/tracker.js';
import { buildFactory, type ContractShape, type NoOptions, type PluginDefinition, type PluginFactory, type PluginIdentity } from './define-plugin.js';

/** What a tracker's setup returns: the Tracker contract without identity; `flush`/`close` default to no-ops. */
export type TrackerMembers = Omit<Tracker, keyof PluginBase | 'flush' | 'close'> & Partial<Pick<Tracker, 'flush' | 'close'>>;

export const trackerShape: ContractShape = {
  required: ['startRun', 'startAction', 'logMetrics', 'logArtifact', 'endAction', 'endRun', 'flush', 'close'],
  optional: ['init', 'logParams', 'setTags', 'logCached', 'tagArtifact', 'sync'],
  // The engine flushes after a run and closes at the end; a tracker that writes through has nothing to do then.
  defaults: {
    flush: () => async () => {},
    close: () => async () => {},
  },
};

/**
 * Defines a tracker plugin: validates its options, runs `setup`, fills identity and no-op
 * `flush`/`close` when left out, and refuses an object that lacks a method the engine
 * calls (PLUGIN_INVALID naming the plugin and the method).
 */
export function defineTracker<Schema extends z.ZodType = NoOptions, Impl extends TrackerMembers = TrackerMembers>(
  definition: PluginDefinition<Schema, Impl>,
): PluginFactory<Schema, Impl & Tracker & PluginIdentity<'tracker'>> {
  return buildFactory('tracker', trackerShape, definition as PluginDefinition<z.ZodType, unknown>) as never;
}
