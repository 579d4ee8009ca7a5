import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parsePluginOptions } from '@aeroml/core';
import { PLUGIN } from './meta.js';

const MiB = 1024 * 1024;

/** Static credentials; when omitted the AWS SDK's default chain is used (env, profile, SSO, IMDS...). */
export const s3CredentialsSchema = z
  .object({
    accessKeyId: z.string().min(1),
    secretAccessKey: z.string().min(1),
    sessionToken: z.string().min(1).optional(),
    // The rest of the SDK's AwsCredentialIdentity, so credentials an SDK provider resolved
    // (`await fromIni()()`, STS) can be passed as they are. `$source` is the SDK's own
    // feature tracking: a client that was given this object has added it.
    expiration: z.date().optional(),
    accountId: z.string().min(1).optional(),
    credentialScope: z.string().min(1).optional(),
    $source: z.record(z.string(), z.unknown()).optional(),
  })
  // A mistyped key (`secretAccesKey`) is named with the nearest one, not dropped silently
  // (which left only "`secretAccessKey`: required" to puzzle over).
  .strict();

export const s3StoreOptionsSchema = z
  .object({
    /** Bucket that holds the store. It must exist (aero never creates buckets). */
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)'),
    /** Key prefix inside the bucket, e.g. `teams/vision/aero`. */
    prefix: z
      .string()
      .default('')
      .refine((p) => !p.startsWith('/') && !p.includes('//'), 'must not start with `/` or contain `//`'),
    /** Custom endpoint (MinIO, Ceph, R2, ...). Omit for AWS S3. */
    endpoint: z.url().optional(),
    /** Region; defaults to the SDK chain (AWS_REGION, profile), then `us-east-1`. */
    region: z.string().min(1).optional(),
    /** Path-style addressing (`endpoint/bucket/key`). Defaults to true with a custom endpoint. */
    forcePathStyle: z.boolean().optional(),
    /** Static credentials. Default: the AWS SDK credential chain. */
    credentials: s3CredentialsSchema.optional(),
    /** Named profile from ~/.aws/config for the credential chain. */
    profile: z.string().min(1).optional(),
    /**
     * When the SDK computes request checksums. Default: `when_required` with a custom
     * endpoint (many S3-compatible servers reject the SDK's default CRC checksums),
     * `when_supported` on AWS.
     */
    checksums: z.enum(['when_required', 'when_supported']).optional(),
    /** Files at least this big are uploaded and downloaded in parallel parts. */
    multipartThreshold: z.number().int().min(5 * MiB).default(16 * MiB),
    /** Fixed part size in bytes; default scales with the file size (8 MiB .. 64 MiB+). */
    partSize: z.number().int().min(5 * MiB).max(5 * 1024 * MiB).optional(),
    /** Parts in flight per file (upload and download). */
    partConcurrency: z.number().int().min(1).max(64).default(8),
    /** Requests in flight for the whole store (bounds many small puts/gets). */
    maxConcurrentRequests: z.number().int().min(1).max(1024).default(64),
    /** Retry policy for 5xx, throttling, timeouts and dropped connections. */
    retry: z
      .object({
        attempts: z.number().int().min(1).max(20).default(6),
        /** Attempts when no server is there (connection refused, unknown host, connect timeout): a wrong endpoint fails at once. */
        unreachableAttempts: z.number().int().min(1).max(20).default(2),
        baseDelayMs: z.number().int().min(0).default(100),
        maxDelayMs: z.number().int().min(0).default(5_000),
      })
      // A mistyped retry setting is refused, not silently replaced by its default.
      .strict()
      .prefault({}),
    /** TCP connect timeout: an endpoint that never accepts fails after this (times `retry.unreachableAttempts`). */
    connectTimeoutMs: z.number().int().min(1).default(3_000),
    /** A request with no bytes moving for this long is aborted and retried. */
    requestTimeoutMs: z.number().int().min(1).default(60_000),
    /**
     * Local read-through cache for immutable content-addressed `objects/` keys, or `false`.
     * Default: `$XDG_CACHE_HOME/aero/store-s3` (or `~/.cache/aero/store-s3`).
     */
    cacheDir: z.union([z.string().min(1), z.literal(false)]).optional(),
  })
  .strict();

export type S3StoreOptions = z.input<typeof s3StoreOptionsSchema>;
export type S3StoreResolvedOptions = z.output<typeof s3StoreOptionsSchema>;

export interface S3StoreSettings extends Omit<S3StoreResolvedOptions, 'prefix' | 'cacheDir' | 'checksums' | 'forcePathStyle'> {
  /** Normalized: '' or ends with `/`. */
  prefix: string;
  forcePathStyle: boolean;
  checksums: 'when_required' | 'when_supported';
  /** Absolute cache directory, or false. */
  cacheDir: string | false;
}

/** Validates options at config time (parsePluginOptions: one PLUGIN_OPTIONS_INVALID listing each problem), then resolves them. */
export function parseS3StoreOptions(input: unknown): S3StoreSettings {
  return resolveS3StoreOptions(parsePluginOptions(s3StoreOptionsSchema, input, { packageName: PLUGIN, factory: 's3Store' }));
}

/** Fills what depends on other options or the environment: path style and checksums for custom endpoints, the cache directory. */
export function resolveS3StoreOptions(o: S3StoreResolvedOptions): S3StoreSettings {
  let prefix = o.prefix.replace(/\/+$/, '');
  if (prefix) prefix += '/';
  const custom = o.endpoint !== undefined;
  // Blobs are cached by their sha256 only when their bytes match it, so one cache can be
  // shared by every bucket and prefix.
  const cacheDir =
    o.cacheDir === false ? false : resolve(o.cacheDir ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'aero', 'store-s3'));
  return {
    ...o,
    prefix,
    forcePathStyle: o.forcePathStyle ?? custom,
    checksums: o.checksums ?? (custom ? 'when_required' : 'when_supported'),
    cacheDir,
  };
}
