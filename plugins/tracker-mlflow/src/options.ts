import { parsePluginOptions, pluginOptionsError, type ArtifactRef, type PluginOptionProblem, type Logger, type ManifestFile, type Store } from '@aeroml/core';
import { z } from 'zod';
import { PLUGIN } from './errors.js';

/** The parts of an aero Store the tracker uses: `localRoot` to find blobs on disk, `getFile`/`get` to read them otherwise. */
export type StoreLike = Partial<Pick<Store, 'localRoot' | 'get' | 'getFile'>>;

/** Finds the local file holding one file of an artifact (undefined: not on this machine). */
export type ResolveFile = (ref: ArtifactRef, file: ManifestFile) => string | undefined | Promise<string | undefined>;

const isFunction = (v: unknown) => typeof v === 'function';
const isLogger = (v: unknown) =>
  typeof v === 'object' && v !== null && ['debug', 'info', 'warn', 'error'].every((k) => typeof (v as Record<string, unknown>)[k] === 'function');
const isStoreLike = (v: unknown) => typeof v === 'object' && v !== null && ((v as { localRoot?: unknown }).localRoot === undefined || typeof (v as { localRoot?: unknown }).localRoot === 'string');

export const mlflowTrackerOptionsSchema = z
  .object({
    /** Tracking server URL. Default: `MLFLOW_TRACKING_URI`, else `http://127.0.0.1:5000`. */
    trackingUri: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://127.0.0.1:5000' }).optional(),
    /** MLflow experiment. Default: `MLFLOW_EXPERIMENT_NAME`, else the aero project name. */
    experimentName: z.string().min(1).max(500).optional(),
    /** Plugin instance name (two MLflow trackers need two names). */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes')
      .default('mlflow'),
    /** Reuse an existing MLflow run with the same run name in the experiment instead of creating another. */
    resume: z.boolean().default(false),
    /** Bearer token. Default: `MLFLOW_TRACKING_TOKEN`. */
    token: z.string().min(1).optional(),
    /** Basic auth. Default: `MLFLOW_TRACKING_USERNAME` / `MLFLOW_TRACKING_PASSWORD`. */
    username: z.string().optional(),
    password: z.string().optional(),
    /** Extra tags set on every parent run. */
    tags: z.record(z.string(), z.string()).default({}),
    /** Output artifacts whose files add up to more than this are logged as a reference to the aero store instead of uploaded. */
    uploadThresholdBytes: z.number().int().min(0).default(100 * 1024 * 1024),
    /** Finds the local file of an artifact file; default: the store's `localRoot` blob layout. */
    resolveFile: z.custom<ResolveFile>(isFunction, { message: 'expected a function (ref, file) => path | undefined' }).optional(),
    /**
     * The aero store holding the artifact bytes. Default: the store the engine passes to
     * `init()`, else the local `.aero` folder next to the run directory.
     */
    store: z.custom<StoreLike>(isStoreLike, { message: 'expected a Store (an object with an optional `localRoot` string)' }).optional(),
    /** Base URI written in references to the aero store (`s3://bucket/prefix`). Default `file://<localRoot>`. */
    storeUri: z.string().min(1).optional(),
    /** Per-request timeout in ms. */
    requestTimeoutMs: z.number().int().min(100).default(15_000),
    /** How long `flush()`/`close()` wait for the server before leaving events spooled. */
    flushTimeoutMs: z.number().int().min(0).default(15_000),
    /**
     * Failed connection attempts that found no server (connection refused, unknown host)
     * after which one `flush()`/`close()` stops waiting and leaves the events spooled for
     * `aero sync`: an unreachable server costs a command well under a second, not
     * `flushTimeoutMs`. Once a flush gave up, the next (e.g. `close()`) tries once. A
     * server that answers (even with 5xx) is waited for.
     */
    offlineAfterAttempts: z.number().int().min(1).default(2),
    /** How long `sync()` (`aero sync`) keeps trying per run before reporting what remains. */
    syncTimeoutMs: z.number().int().min(0).default(120_000),
    /** Delay before sending, so small calls coalesce into one `log-batch`. */
    batchDelayMs: z.number().int().min(0).default(25),
    /** First retry delay after a failed send; doubles up to `retryMaxDelayMs`. */
    retryDelayMs: z.number().int().min(1).default(250),
    retryMaxDelayMs: z.number().int().min(1).default(30_000),
    /** Where warnings go (truncated params, rejected events). */
    logger: z.custom<Logger>(isLogger, { message: 'expected a Logger { debug, info, warn, error }' }).optional(),
  })
  .strict();

export type MlflowTrackerOptions = z.input<typeof mlflowTrackerOptionsSchema>;

export interface MlflowTrackerSettings extends Omit<z.output<typeof mlflowTrackerOptionsSchema>, 'trackingUri'> {
  trackingUri: string;
}

/** Validates options at config time (env defaults applied); problems become one PLUGIN_OPTIONS_INVALID. */
export function parseMlflowTrackerOptions(input: unknown, env: NodeJS.ProcessEnv = process.env): MlflowTrackerSettings {
  return resolveMlflowTrackerOptions(parsePluginOptions(mlflowTrackerOptionsSchema, input, MLFLOW_TRACKER), env);
}

export const MLFLOW_TRACKER = { packageName: PLUGIN, factory: 'mlflowTracker' };

/**
 * Applies the MLFLOW_* environment to schema-valid options and checks what the schema
 * cannot see (the environment's URI, one delay against the other), reported like the
 * schema's problems.
 */
export function resolveMlflowTrackerOptions(o: z.output<typeof mlflowTrackerOptionsSchema>, env: NodeJS.ProcessEnv = process.env): MlflowTrackerSettings {
  const problems: PluginOptionProblem[] = [];
  let trackingUri = o.trackingUri ?? env.MLFLOW_TRACKING_URI ?? 'http://127.0.0.1:5000';
  if (o.trackingUri === undefined && env.MLFLOW_TRACKING_URI !== undefined && !/^https?:\/\/[^/]+/.test(env.MLFLOW_TRACKING_URI)) {
    problems.push({ path: 'trackingUri', message: `MLFLOW_TRACKING_URI=${env.MLFLOW_TRACKING_URI} is not an http(s) URL (file stores and databricks URIs are not supported; run \`mlflow server\`)` });
  }
  if (o.retryMaxDelayMs < o.retryDelayMs) problems.push({ path: 'retryMaxDelayMs', message: `must be >= retryDelayMs (${o.retryDelayMs})` });
  if (problems.length > 0) throw pluginOptionsError(MLFLOW_TRACKER, problems);
  trackingUri = trackingUri.replace(/\/+$/, '');
  return {
    ...o,
    trackingUri,
    experimentName: o.experimentName ?? (env.MLFLOW_EXPERIMENT_NAME || undefined),
    token: o.token ?? (env.MLFLOW_TRACKING_TOKEN || undefined),
    username: o.username ?? (env.MLFLOW_TRACKING_USERNAME || undefined),
    password: o.password ?? (env.MLFLOW_TRACKING_PASSWORD || undefined),
  };
}
