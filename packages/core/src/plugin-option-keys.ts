import type { Action } from './define.js';
import { AeroError, ErrorCodes } from './errors.js';
import type { PluginSet } from './plugins.js';

/**
 * Refuses params whose top-level key names a configured tracker or the store
 * (`++mlflow.experiment_name=x`, a `wandb:` section in YAML) when no action reads that
 * key: plugin options are not params, so such a value would change nothing. Plugins take
 * their options where aero.config.ts creates them (validated there, at config time);
 * config files and overrides set params only. Checked before the general unknown-key
 * check, to name the plugin instead of "no action reads it".
 */
export function refusePluginOptionKeys(params: Record<string, unknown>, plugins: PluginSet, actions: readonly Action[], origins: Record<string, string>): void {
  // Built only when a key names a plugin (a set of 100,000 action keys otherwise, per plan).
  let read: Set<string> | undefined;
  const named = new Map<string, { kind: string; packageName?: string | undefined }>();
  for (const t of plugins.trackers) named.set(t.name, { kind: 'tracker', packageName: t.packageName });
  named.set(plugins.store.name, { kind: 'store', packageName: plugins.store.packageName });
  const issues: AeroError[] = [];
  for (const key of Object.keys(params)) {
    const plugin = named.get(key);
    if (!plugin || (read ??= new Set(actions.map((a) => a.paramsKey))).has(key)) continue;
    const value = params[key];
    const paths = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).map((k) => `${key}.${k}`) : [key];
    for (const path of paths) {
      const origin = origins[path] ?? origins[key];
      issues.push(
        new AeroError(
          ErrorCodes.CONFIG_PLUGIN_OPTION,
          `\`${path}\`${origin ? ` (set ${origin === '<cli>' ? 'on the command line' : `in ${origin}`})` : ''} is not a param: \`${key}\` is the ${plugin.kind}${plugin.packageName ? ` (${plugin.packageName})` : ''}, and plugin options are not read from params, so it would change nothing.`,
          { hint: `Set it where the ${plugin.kind} is created in aero.config.ts (\`plugins: [...]\`), or with an environment variable its README lists; then drop \`${path}\`.` },
        ),
      );
    }
  }
  if (issues.length === 1) throw issues[0]!;
  if (issues.length > 1) throw new AeroError(ErrorCodes.CONFIG_PLUGIN_OPTION, issues.map((i) => i.message).join('\n'), { hint: issues[0]!.hint });
}
