import type { PluginBase } from './plugin.js';

/** Where a value of the composed config came from (file and line when known). */
export interface ConfigSource {
  /** Path relative to the project root, or `<cli>` / `<aero.config.ts>`. */
  file: string;
  /** Raw text of the file, stored in the run snapshot. */
  content?: string;
}

export interface ConfigLoadResult {
  params: Record<string, unknown>;
  sources: ConfigSource[];
  /** Dot path → file that set it, so validation errors can name the file. */
  origins?: Record<string, string>;
  /**
   * Dot paths that `${...}` interpolations read (group values copied into actions'
   * params): the planner treats them as sources, not unknown keys. Fill it with
   * resolveInterpolations' `references` option.
   */
  references?: string[];
  /**
   * A top-level `tune:` block of the config (aero tune's settings: space, objective,
   * trials...), taken out of `params` so no action sees it; aero tune checks it.
   */
  tune?: unknown;
  /** A top-level `use:` list (pinned input versions, as `aero run --use` takes them), taken out of `params`. */
  use?: string[];
}

/**
 * Composes the params tree (e.g. Hydra-style YAML groups) and applies overrides.
 * Overrides it does not understand must be reported as AeroError OVERRIDE_INVALID.
 */
export interface ConfigLoader extends PluginBase<'config'> {
  /** Required (its only method): once per config resolution, with the CLI's overrides and aero.config.ts's params as `base`. */
  load(options: { cwd: string; overrides: string[]; base: Record<string, unknown> }): Promise<ConfigLoadResult>;
}
