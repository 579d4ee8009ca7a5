import type { AssetHandler } from './contracts/handler.js';
import type { ConfigLoader } from './contracts/config-loader.js';
import type { Launcher } from './contracts/launcher.js';
import type { Store } from './contracts/store.js';
import type { Tracker } from './contracts/tracker.js';
import type { AnyPlugin, PluginInput } from './define.js';
import { AeroError, ErrorCodes } from './errors.js';

export interface PluginSet {
  store: Store;
  trackers: Tracker[];
  handlers: Map<string, AssetHandler<any, any, any>>;
  launchers: Map<string, Launcher>;
  configLoaders: ConfigLoader[];
}

/**
 * `--dev` (Aeromancy's development mode): no tracker is started and a store that is not on
 * this machine (no `localRoot`, e.g. S3) is replaced by the default local one, so a dev
 * run neither needs nor touches a server. Nothing is opened: plugins connect lazily.
 */
export interface ResolveOptions {
  dev?: boolean;
}

/** What to use for a kind the config leaves empty (the CLI passes the embedded defaults). */
export interface PluginDefaults {
  store?: () => Store;
  trackers?: () => Tracker[];
  handlers?: () => AssetHandler<any, any, any>[];
}

const KINDS = new Set(['store', 'tracker', 'handler', 'launcher', 'config']);

export function flattenPlugins(inputs: readonly PluginInput[] | undefined): AnyPlugin[] {
  const out: AnyPlugin[] = [];
  const visit = (input: PluginInput, path: string) => {
    if (!input) return;
    if (Array.isArray(input)) {
      input.forEach((child, i) => visit(child as PluginInput, `${path}[${i}]`));
      return;
    }
    const plugin = input as AnyPlugin;
    if (typeof plugin !== 'object' || !KINDS.has((plugin as { kind?: string }).kind ?? '') || typeof plugin.name !== 'string') {
      throw new AeroError(ErrorCodes.PLUGIN_INVALID, `\`${path}\` is not an aero plugin (expected an object with kind store|tracker|handler|launcher|config and a name).`, {
        hint: 'Call the plugin factory, e.g. `plugins: [s3Store({ bucket })]`, not `plugins: [s3Store]`.',
      });
    }
    out.push(plugin);
  };
  (inputs ?? []).forEach((p, i) => visit(p, `plugins[${i}]`));
  return out;
}

export function resolvePlugins(inputs: readonly PluginInput[] | undefined, defaults: PluginDefaults, builtinLaunchers: Launcher[], options: ResolveOptions = {}): PluginSet {
  const plugins = flattenPlugins(inputs);
  const stores = plugins.filter((p): p is Store => p.kind === 'store');
  if (stores.length > 1) {
    throw new AeroError(ErrorCodes.PLUGIN_INVALID, `Only one store can be configured, found ${stores.length}: ${stores.map((s) => s.name).join(', ')}.`, {
      hint: 'Remove all but one store plugin from `plugins`.',
    });
  }
  const configured = stores[0] && options.dev && stores[0].localRoot === undefined ? undefined : stores[0];
  const store = configured ?? defaults.store?.() ?? stores[0];
  if (!store) throw new AeroError(ErrorCodes.PLUGIN_INVALID, 'No store is configured.', { hint: 'Add a store plugin such as localStore() to `plugins`.' });
  let trackers = plugins.filter((p): p is Tracker => p.kind === 'tracker');
  if (trackers.length === 0) trackers = defaults.trackers?.() ?? [];
  if (options.dev) trackers = [];
  const handlers = new Map<string, AssetHandler<any, any, any>>();
  for (const h of defaults.handlers?.() ?? []) handlers.set(h.name, h);
  for (const h of plugins.filter((p): p is AssetHandler => p.kind === 'handler')) handlers.set(h.name, h);
  const launchers = new Map<string, Launcher>();
  for (const l of [...builtinLaunchers, ...plugins.filter((p): p is Launcher => p.kind === 'launcher')]) launchers.set(l.name, l);
  const configLoaders = plugins.filter((p): p is ConfigLoader => p.kind === 'config');
  return { store, trackers, handlers, launchers, configLoaders };
}
