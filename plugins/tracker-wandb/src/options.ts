import { z } from 'zod';
import { parsePluginOptions } from '@aeroml/core';
import type { ArtifactRef, ManifestFile } from '@aeroml/core';
import { PLUGIN } from './errors.js';

/** Characters W&B does not accept in project names. */
export const PROJECT_FORBIDDEN = /[/\\#?%:]/;

/** Finds the local file holding one artifact file's bytes; `undefined` when it is not on this machine. */
export type ResolveFile = (file: ManifestFile, ref: ArtifactRef, ctx: { aeroDir: string }) => string | undefined | Promise<string | undefined>;

export const wandbTrackerOptionsSchema = z
  .object({
    /** W&B project; default: the aero project name (RunInfo.project). */
    project: z
      .string()
      .min(1)
      .max(128)
      .refine((v) => !PROJECT_FORBIDDEN.test(v), 'W&B project names may not contain / \\ # ? % :')
      .optional(),
    /** W&B entity (user or team); default: WANDB_ENTITY, else the API key's default entity. */
    entity: z.string().min(1).optional(),
    /** API host; default: WANDB_BASE_URL, else https://api.wandb.ai. */
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** API key; default: WANDB_API_KEY, else ~/.netrc's entry for the host. */
    apiKey: z.string().min(1).optional(),
    /** `online` sends while running; `offline` only spools (upload later with `aero sync wandb`); `disabled` records nothing. Default: WANDB_MODE, else online. */
    mode: z.enum(['online', 'offline', 'disabled']).optional(),
    /** W&B `group` of each action's run: the aero run id (`run`) or the action's group (`action-group`). */
    group: z.enum(['run', 'action-group']).default('run'),
    /** Extra W&B tags on every run. */
    tags: z.array(z.string().min(1).max(64)).default([]),
    /** W&B notes on every run. */
    notes: z.string().optional(),
    /** Artifact bytes: `upload` them to W&B, record `reference`s to the local files, or log `none`. */
    artifacts: z.enum(['upload', 'reference', 'none']).default('upload'),
    /** The aero store, when its blobs are on this machine (`localRoot`): artifact bytes are read from `<localRoot>/objects/sha256/<ab>/<hex>`. */
    store: z
      .custom<{ readonly localRoot?: string | undefined }>((v) => typeof v === 'object' && v !== null && ((v as { localRoot?: unknown }).localRoot === undefined || typeof (v as { localRoot?: unknown }).localRoot === 'string'), {
        message: 'expected a Store (an object with an optional `localRoot` string)',
      })
      .optional(),
    /** Where an artifact file's bytes are on this machine (default: the store's `localRoot`, else the run's `.aero/objects/sha256/<ab>/<hex>`). */
    resolveFile: z.custom<ResolveFile>((v) => typeof v === 'function', { message: 'expected a function (file, ref, ctx) => path | undefined' }).optional(),
    /** How long calls are batched before a background send (ms). */
    flushIntervalMs: z.number().int().min(0).default(2000),
    /** Timeout of one HTTP request (ms). */
    timeoutMs: z.number().int().positive().default(30_000),
    /** Retries of one request on network errors, 429 and 5xx. */
    retry: z
      .object({
        attempts: z.number().int().min(1).max(100).default(6),
        /** Attempts when no server is there (connection refused, unknown host): then the ops stay spooled for `aero sync wandb`. */
        unansweredAttempts: z.number().int().min(1).max(100).default(2),
        minDelayMs: z.number().int().min(0).default(500),
        maxDelayMs: z.number().int().min(0).default(30_000),
      })
      // A mistyped retry setting is refused, not silently replaced by its default.
      .strict()
      .prefault({}),
    /** Metric lines per file_stream request. */
    maxLinesPerRequest: z.number().int().min(1).max(10_000).default(1000),
  })
  .strict();

export type WandbTrackerOptions = z.input<typeof wandbTrackerOptionsSchema>;
export type ResolvedWandbOptions = z.output<typeof wandbTrackerOptionsSchema>;

/** Validates options at config time with core's parsePluginOptions (every problem with its dot path). */
export function parseOptions(input: unknown): ResolvedWandbOptions {
  return parsePluginOptions(wandbTrackerOptionsSchema, input, { packageName: PLUGIN, factory: 'wandbTracker' });
}
