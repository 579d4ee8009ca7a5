import type { ZodType } from 'zod';
import type { AssetHandler } from './contracts/handler.js';
import type { ConfigLoader } from './contracts/config-loader.js';
import type { Launcher, Resources } from './contracts/launcher.js';
import type { Logger } from './contracts/plugin.js';
import type { Store } from './contracts/store.js';
import type { Tracker } from './contracts/tracker.js';
import type { ManifestFile } from './contracts/artifact.js';
import type { TuneConfig } from './tune/config.js';
import { AeroError, ErrorCodes } from './errors.js';
import { showGiven } from './util/show-given.js';

export type PartitionValue = string | number;
export type PartitionKey = Record<string, PartitionValue>;

/**
 * How an action fans out. Either named axes whose values are crossed
 * (`{ split: ['train', 'test'], freq: [100, 143] }`), an explicit list of keys, or a
 * function of the action's resolved params (and the whole params tree as `root`)
 * returning keys, evaluated at plan time so `aero run sims.train=90` adds partitions;
 * reading counts from `root` keeps them out of the action's own params, hence out of
 * every instance's cache key. See `splits()` for CMB-ML style
 * splits with simulation counts.
 */
export type PartitionSpec<P = any> =
  | Record<string, readonly PartitionValue[]>
  | readonly PartitionKey[]
  | ((params: P, context: { root: Record<string, unknown> }) => readonly PartitionKey[]);

export interface OutputSpec {
  /** Name of the AssetHandler that writes/reads this output (`json`, `csv`, `npy`, `fits`, `bytes`). */
  handler: string;
  /**
   * Relative path template inside the artifact, e.g. `{split}/{sim:04d}/map.fits`.
   * Defaults to `<output name>.<handler's first extension>`.
   */
  path?: string;
  description?: string;
}

/** A reference to another action's output, used as an input. */
export interface InputRef<Gather extends boolean = boolean> {
  readonly __aeroInput: true;
  readonly action: string;
  readonly output: string;
  /** Gather every matching partition of the producer instead of mapping 1:1. */
  readonly gather: Gather;
  /** Only producer instances whose partition has these values (`{ split: 'train' }`). */
  readonly where?: PartitionKey | undefined;
  /**
   * Gather all instances (matching on shared partition keys) into an array; `where`
   * keeps only those with the given key values: `.all({ split: 'train' })`.
   */
  all(where?: PartitionKey): InputRef<true>;
}

export interface InputHandle {
  /** Absolute path of the artifact's first file (most artifacts have one). */
  readonly path: string;
  /** Absolute paths of all files. */
  readonly paths: string[];
  readonly files: ManifestFile[];
  readonly digest: string;
  readonly name: string;
  readonly partition: PartitionKey | undefined;
  /** Read the (first) file through the output's handler. */
  read<T = unknown>(): Promise<T>;
}

export interface OutputHandle {
  /** Absolute path to write to (directories are created). */
  readonly path: string;
  /** Directory for multi-file outputs: every file written under it becomes part of the artifact. */
  readonly dir: string;
  write(value: unknown): Promise<void>;
  /** Attach metadata that ends up in the artifact manifest. */
  meta(metadata: Record<string, unknown>): void;
}

export interface ActionLog {
  info(message: string): void;
  warn(message: string): void;
  /** Log one metric point; `step` defaults to an auto-incremented counter per name. */
  metric(name: string, value: number, step?: number): void;
  /** Log several metrics at the same step. */
  metrics(values: Record<string, number>, step?: number): void;
}

export interface RunContext<P = unknown, I = Record<string, unknown>, O = Record<string, unknown>> {
  params: P;
  inputs: { [K in keyof I]: I[K] extends { gather: true } ? InputHandle[] : InputHandle };
  outputs: { [K in keyof O]: OutputHandle };
  partition: PartitionKey | undefined;
  log: ActionLog;
  signal: AbortSignal;
  /** Private scratch directory of this instance, removed after success. */
  workDir: string;
  /** Project directory. */
  cwd: string;
  runId: string;
  instanceId: string;
  /**
   * GPU device ids allocated to this instance (`resources.gpus` of them), empty without.
   * In a child process or container they are also in `CUDA_VISIBLE_DEVICES`; inline
   * actions share the process, so pass them on (torch: `cuda:${gpus[0]}`).
   */
  gpus: string[];
  /** Environment the job was given (`CUDA_VISIBLE_DEVICES`); commands run with it. */
  env: Record<string, string>;
}

export interface ActionDefinition<P = any, I extends Record<string, InputRef> = Record<string, InputRef>, O extends Record<string, OutputSpec> = Record<string, OutputSpec>> {
  name: string;
  group?: string;
  type?: string;
  description?: string;
  /** zod schema of this action's params; defaults fill what the config leaves out. */
  params?: ZodType<P>;
  /** Where in the params tree this action's params live (default: the action name). */
  paramsKey?: string;
  inputs?: I;
  outputs?: O;
  partitions?: PartitionSpec<P>;
  resources?: Resources;
  /** Explicit code version: replaces the source fingerprint in the cache key. */
  version?: string;
  /** Launcher to use for this action (default: the run's launcher). */
  launcher?: string;
  /** Extra files whose content is part of the code fingerprint. */
  deps?: string[];
  run(ctx: RunContext<P, I, O>): unknown | Promise<unknown>;
}

/** An action as the engine sees it. */
export interface Action<P = any> {
  readonly __aeroAction: true;
  readonly name: string;
  readonly group: string | undefined;
  readonly type: string | undefined;
  readonly description: string | undefined;
  readonly params: ZodType<P> | undefined;
  readonly paramsKey: string;
  readonly inputs: Record<string, InputRef>;
  readonly outputs: Record<string, OutputSpec>;
  readonly partitions: PartitionSpec | undefined;
  readonly resources: Resources;
  readonly version: string | undefined;
  readonly launcher: string | undefined;
  readonly deps: string[];
  /**
   * File that called defineAction (for the code fingerprint), when it could be found. Not
   * looked up when `version` replaces the source fingerprint (fingerprint.ts never reads it then).
   */
  readonly sourceFile: string | undefined;
  /** For commands: the command template (part of the fingerprint). */
  readonly command: readonly string[] | undefined;
  readonly run: (ctx: RunContext<P, any, any>) => unknown | Promise<unknown>;
  /** Reference one of this action's outputs as another action's input. */
  output(name: string): InputRef<false>;
}

function makeInputRef<G extends boolean>(action: string, output: string, gather: G, where?: PartitionKey): InputRef<G> {
  return Object.freeze({
    __aeroInput: true as const,
    action,
    output,
    gather,
    ...(where ? { where } : {}),
    all: (filter?: PartitionKey) => makeInputRef(action, output, true as const, filter),
  });
}

export function isInputRef(value: unknown): value is InputRef {
  return typeof value === 'object' && value !== null && (value as InputRef).__aeroInput === true;
}

export function isAction(value: unknown): value is Action {
  return typeof value === 'object' && value !== null && (value as Action).__aeroAction === true;
}

/**
 * Finds the file that called `defineAction` from structured call sites. Formatting a
 * stack as text would go through any installed `Error.prepareStackTrace` (jiti's
 * source-map hook), which cost seconds for 100,000 actions.
 */
export function callerFile(depth = 2): string | undefined {
  // Most calls come straight from a config module: look at the nearest frames first and
  // walk further only when they are all library frames (capturing is per frame). Frames
  // from callerFile up are left out of the capture (they are never the caller).
  return callerFileWithin(depth) ?? callerFileWithin(depth + 5);
}

function callerFileWithin(frames: number): string | undefined {
  const holder: { stack?: NodeJS.CallSite[] } = {};
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  Error.stackTraceLimit = frames;
  Error.prepareStackTrace = (_error, sites) => sites;
  try {
    Error.captureStackTrace(holder, callerFile);
    for (const site of holder.stack ?? []) {
      const name = site.getFileName();
      if (!name) continue;
      const file = name.startsWith('file://') ? decodeURIComponent(name.slice('file://'.length)) : name;
      if (!file.startsWith('/') || file.includes('/node_modules/') || /\/packages\/core\/(dist|src)\//.test(file)) continue;
      return file;
    }
    return undefined;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

export function defineAction<P = unknown, I extends Record<string, InputRef> = {}, O extends Record<string, OutputSpec> = {}>(
  definition: ActionDefinition<P, I, O>,
): Action<P> {
  // A stack capture costs ~5 µs (half the time of defining 100,000 actions): skipped when
  // an explicit version makes the source file irrelevant to the fingerprint.
  return createAction(definition, undefined, definition.version === undefined ? callerFile() : undefined);
}

export function createAction<P>(definition: ActionDefinition<P, any, any>, command: readonly string[] | undefined, sourceFile: string | undefined): Action<P> {
  const name = definition.name;
  // Spread into the defaults below, a number or a string would vanish (or become keys
  // `0`, `1`...): refused here, the values inside are checked when the pipeline is planned.
  const resources = definition.resources as unknown;
  if (resources !== undefined && (resources === null || typeof resources !== 'object' || Array.isArray(resources))) {
    throw new AeroError(ErrorCodes.CONFIG_INVALID, `\`actions.${name}.resources\` is ${showGiven(resources)}; \`resources\` is an object like { cpus: 2, gpus: 1 }.`, {
      hint: `Give \`${name}\` resources: { cpus: <slots>, gpus: <count> }, or leave \`resources\` out (1 CPU slot, no GPU).`,
      details: { path: `actions.${name}.resources` },
    });
  }
  return Object.freeze({
    __aeroAction: true as const,
    name,
    group: definition.group,
    type: definition.type,
    description: definition.description,
    params: definition.params,
    paramsKey: definition.paramsKey ?? name,
    inputs: { ...(definition.inputs ?? {}) },
    outputs: { ...(definition.outputs ?? {}) },
    partitions: definition.partitions,
    resources: { cpus: 1, gpus: 0, ...(definition.resources ?? {}) },
    version: definition.version,
    launcher: definition.launcher,
    deps: [...(definition.deps ?? [])],
    sourceFile,
    command,
    run: definition.run as Action<P>['run'],
    output: (output: string) => makeInputRef(name, output, false as const),
  });
}

/**
 * CMB-ML style splits: `splits({ train: 80, test: 10 })` → keys `{ split, sim }`.
 * Counts often come from the command line (`counts.train=90`), so they are checked:
 * whole numbers >= 0 in an object, or a PLAN_PARTITION_INVALID naming what is wrong.
 */
export function splits(counts: Record<string, number>, options: { splitKey?: string; simKey?: string } = {}): PartitionKey[] {
  const splitKey = options.splitKey ?? 'split';
  const simKey = options.simKey ?? 'sim';
  if (typeof counts !== 'object' || counts === null || Array.isArray(counts)) {
    throw new AeroError(ErrorCodes.PLAN_PARTITION_INVALID, `splits() takes an object of split name -> count, like splits({ train: 80, test: 10 }), not ${showGiven(counts)}.`, {
      hint: 'If the counts come from params (root.counts), check that the key is set and is a mapping of split names to numbers.',
    });
  }
  const bad = Object.entries(counts as Record<string, unknown>).filter(([, count]) => typeof count !== 'number' || !Number.isInteger(count) || count < 0);
  if (bad.length > 0) {
    throw new AeroError(ErrorCodes.PLAN_PARTITION_INVALID, `splits(): counts are whole numbers >= 0, but ${bad.map(([split, count]) => `\`${split}\` is ${showGiven(count)}`).join(', ')}.`, {
      hint: 'Give each split a whole number of simulations, e.g. counts.train=80.',
    });
  }
  const keys: PartitionKey[] = [];
  for (const [split, count] of Object.entries(counts)) {
    for (let sim = 0; sim < count; sim++) keys.push({ [splitKey]: split, [simKey]: sim });
  }
  return keys;
}


export type AnyPlugin = Store | Tracker | AssetHandler<any, any, any> | Launcher | ConfigLoader;
export type PluginInput = AnyPlugin | false | null | undefined | readonly PluginInput[];

export interface AeroConfig {
  /** Project name (experiment / W&B project). Defaults to the folder name. */
  project?: string;
  actions: readonly Action[] | Record<string, Action>;
  /** Stores, trackers, handlers, launchers, config loaders. Nested arrays and falsy entries allowed. */
  plugins?: readonly PluginInput[];
  /** Base params tree; each action reads `params[action.paramsKey]`. */
  params?: Record<string, unknown>;
  /** Default launcher name (`inline`, `process`, or a plugin's name). */
  launcher?: string;
  /** Concurrency default (`-j`); defaults to the number of cores. */
  concurrency?: number;
  /** Local state directory (default `.aero`). */
  dir?: string;
  /** GPU device ids the process launcher hands out (`['0','1']`). */
  gpus?: string[];
  /** Logger for embedding; the CLI supplies its own. */
  logger?: Logger;
  /**
   * Extra tags for output path templates (`{root}`, `{dataset}`). Names of built-in
   * tags (`stage`, `action`, `output`, `ext`) are refused; partition keys and scalar
   * params win over a var of the same name.
   */
  vars?: Record<string, string | number>;
  /** Defaults for `aero tune` (space, objective, direction, trials, sampler...); the command line overrides them. */
  tune?: TuneConfig;
  /** Pinned input versions, as `aero run --use` takes them: `['prep.data@best']` (docs/guides/reproduce.md). */
  use?: readonly string[];
}

/** The keys `defineConfig` accepts, checked at load so a misspelled one is not ignored. */
export const CONFIG_KEYS = ['project', 'actions', 'plugins', 'params', 'launcher', 'concurrency', 'dir', 'gpus', 'logger', 'vars', 'tune', 'use'] as const satisfies ReadonlyArray<keyof AeroConfig>;

/** Keys of `C` that AeroConfig does not have, typed `never` so `tsc` refuses them. */
export type NoUnknownConfigKeys<C> = { [K in Exclude<keyof C, keyof AeroConfig>]: never };

/** Identity function that gives `aero.config.ts` full type checking (like vite's), misspelled keys included. */
export function defineConfig<C extends AeroConfig>(config: C & NoUnknownConfigKeys<C>): C {
  return config;
}
