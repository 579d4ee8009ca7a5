import { z } from 'zod';
import { AeroError, ErrorCodes } from '../errors.js';
import { canonicalJson, sha256Hex } from '../hash.js';
import { parsePluginOptions } from './parse-options.js';

/**
 * What every define*() helper takes. `name`, `packageName` and `version` come from the
 * plugin's own package.json (`import { name, version } from '../package.json'`), the one
 * version mechanism; `options` is the zod schema of the factory's argument (none: the
 * factory takes no options, and any it is given are refused).
 */
export interface PluginDefinition<Schema extends z.ZodType, Impl> {
  /**
   * Short name users refer to (`'s3'`, `'json'`, `'slurm'`), or a function of the options
   * for a plugin that can be configured twice under different names (`mlflowTracker({ name })`).
   */
  name: string | ((options: z.output<Schema>) => string);
  /** The publishing package (`@aeroml/store-s3`): scopes every error the plugin raises. */
  packageName: string;
  /** The publishing package's version (handlers' versions go into cache keys). */
  version: string;
  /** The factory users call (`s3Store`), named in option errors. Default: `name`. */
  factory?: string;
  /** zod schema of the options; validated with parsePluginOptions before setup runs. */
  options?: Schema;
  /** Builds the plugin from validated options: a plain object or a class instance. */
  setup(options: z.output<Schema>): Impl;
}

/** The factory a define*() helper returns: optional argument when `{}` is valid options. */
export type PluginFactory<Schema extends z.ZodType, Plugin> = {} extends z.input<Schema> ? (options?: z.input<Schema>) => Plugin : (options: z.input<Schema>) => Plugin;

/** The identity fields a define*() helper fills in. */
export interface PluginIdentity<K extends string> {
  readonly kind: K;
  readonly name: string;
  readonly version: string;
  readonly packageName: string;
}

/** No options: the factory accepts nothing but `{}` or no argument. */
export const noOptions = z.object({}).strict();
export type NoOptions = typeof noOptions;

/** What a kind requires of the object setup returns, and the defaults it may fill. */
export interface ContractShape {
  /** Methods the engine calls unconditionally. */
  required: readonly string[];
  /** Methods the engine calls when present; must be functions when given. */
  optional: readonly string[];
  /** Optional-in-setup methods the engine still calls: filled when setup leaves them out. */
  defaults?: Record<string, (impl: Record<string, unknown>) => (...args: never[]) => unknown>;
  /** Kind-specific checks of non-method members; returns what is wrong, if anything. */
  check?: (impl: Record<string, unknown>) => string | undefined;
  /**
   * The options a plugin of this kind was made with change what it produces (a handler's
   * bytes): the plugin gets `optionsDigest` when they differ from its defaults (see
   * optionsDigestOf), and the engine puts it in cache keys.
   */
  optionsShapeOutput?: boolean;
}

const displayName = (def: { name: unknown; factory?: string | undefined }) => (typeof def.name === 'string' ? def.name : (def.factory ?? '(named by its options)'));

const label = (kind: string, def: { name: string; packageName: string }) => `the ${kind} \`${def.name}\` of ${def.packageName}`;

function invalid(message: string, def: { packageName: string }, hint: string): AeroError {
  return new AeroError(ErrorCodes.PLUGIN_INVALID, message, { plugin: def.packageName, hint });
}

/** Checks the definition itself, once, when the plugin module calls define*(). */
export function checkDefinition(kind: string, def: PluginDefinition<z.ZodType, unknown>): void {
  for (const field of ['name', 'packageName', 'version'] as const) {
    if (field === 'name' && typeof def.name === 'function') continue;
    if (typeof def[field] !== 'string' || def[field].length === 0) {
      throw invalid(`define${kind[0]!.toUpperCase()}${kind.slice(1)}() needs a non-empty \`${field}\` (got ${JSON.stringify(def[field])}).`, { packageName: typeof def.packageName === 'string' && def.packageName ? def.packageName : '(unnamed plugin)' }, "Pass `name`, and `packageName`/`version` from the plugin's package.json: `import { name as packageName, version } from '../package.json'`.");
    }
  }
  if (typeof def.setup !== 'function') throw invalid(`${label(kind, { name: displayName(def), packageName: def.packageName })} has no \`setup\` function.`, def, 'Give the definition a `setup(options)` that returns the plugin object.');
}

/**
 * The shared part of every define*() helper: validate options, run setup, then make sure
 * the object is a complete plugin of its kind before the engine ever sees it.
 */
export function buildFactory<K extends string, Plugin>(kind: K, shape: ContractShape, def: PluginDefinition<z.ZodType, unknown>): (options?: unknown) => Plugin {
  checkDefinition(kind, def);
  const schema = def.options ?? noOptions;
  const ref = { packageName: def.packageName, factory: def.factory ?? (typeof def.name === 'string' ? def.name : undefined) };
  return (options?: unknown) => {
    const parsed = parsePluginOptions(schema, options, ref);
    const name = typeof def.name === 'function' ? def.name(parsed) : def.name;
    const impl = def.setup(parsed) as Record<string, unknown>;
    const plugin = completePlugin(kind, shape, { name, packageName: def.packageName, version: def.version }, impl) as unknown as Record<string, unknown>;
    if (shape.optionsShapeOutput && plugin.optionsDigest === undefined) {
      const digest = optionsDigestOf(schema, parsed);
      if (digest !== undefined) Object.defineProperty(plugin, 'optionsDigest', { value: digest, enumerable: false, configurable: true });
    }
    return plugin as Plugin;
  };
}

/**
 * A short digest of `parsed` options, or undefined when they are the schema's defaults (so
 * a plugin made without options, or with its defaults spelled out, keeps the keys it had).
 * Functions and regular expressions count by their source text.
 */
export function optionsDigestOf(schema: z.ZodType, parsed: unknown): string | undefined {
  const text = canonicalJson(jsonable(parsed));
  const defaults = schema.safeParse({}); // what parsePluginOptions makes of no options
  if (defaults.success && canonicalJson(jsonable(defaults.data)) === text) return undefined;
  return sha256Hex(text).slice(0, 16);
}

function jsonable(value: unknown): unknown {
  if (typeof value === 'function' || value instanceof RegExp) return `${typeof value === 'function' ? 'function' : 'regexp'} ${String(value)}`;
  if (Array.isArray(value)) return value.map(jsonable);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonable(v)]));
  return value;
}

/** Fills identity and defaults into `impl` (in place, so class instances keep their prototype) and checks its shape. */
export function completePlugin<K extends string>(kind: K, shape: ContractShape, def: { name: string; packageName: string; version: string }, impl: unknown): PluginIdentity<K> {
  const hint = `Return the missing members from setup(); the ${kind} contract in @aeroml/core (contracts/${kind === 'config' ? 'config-loader' : kind}.ts) says which are required.`;
  if (impl === null || typeof impl !== 'object') throw invalid(`setup() of ${label(kind, def)} returned ${impl === null ? 'null' : typeof impl}, not a plugin object.`, def, hint);
  const obj = impl as Record<string, unknown>;
  const identity: Record<string, string> = { kind, name: def.name, version: def.version, packageName: def.packageName };
  for (const [key, want] of Object.entries(identity)) {
    const have = obj[key];
    if (have === undefined) Object.defineProperty(obj, key, { value: want, enumerable: true, configurable: true });
    else if (have !== want) throw invalid(`${label(kind, def)} sets \`${key}\` to ${JSON.stringify(have)}, but its definition says ${JSON.stringify(want)}.`, def, `Drop \`${key}\` from the object setup() returns: define${kind[0]!.toUpperCase()}${kind.slice(1)}() fills it from the definition.`);
  }
  for (const [method, make] of Object.entries(shape.defaults ?? {})) {
    if (obj[method] === undefined) Object.defineProperty(obj, method, { value: make(obj), enumerable: false, configurable: true, writable: true });
  }
  const missing = shape.required.filter((m) => typeof obj[m] !== 'function');
  if (missing.length > 0) {
    throw invalid(`${label(kind, def)} is not a complete ${kind}: it has no ${missing.map((m) => `\`${m}\``).join(', ')} method${missing.length > 1 ? 's' : ''} (a ${kind} needs ${shape.required.join(', ')}).`, def, hint);
  }
  const wrong = shape.optional.filter((m) => obj[m] !== undefined && typeof obj[m] !== 'function');
  if (wrong.length > 0) throw invalid(`${label(kind, def)} has ${wrong.map((m) => `\`${m}\``).join(', ')} that ${wrong.length > 1 ? 'are not functions' : 'is not a function'}.`, def, 'Make each optional method a function, or leave it out.');
  const problem = shape.check?.(obj);
  if (problem) throw invalid(`${label(kind, def)} ${problem}`, def, hint);
  return obj as unknown as PluginIdentity<K>;
}
