import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { S3StoreSettings } from './options.js';
import { Semaphore } from './limit.js';
import { withRetry, type RetryState } from './retry.js';
import { isRetryable, nameOf, statusOf, toAeroError, type RequestContext } from './errors.js';
import { addNotS3Check } from './not-s3.js';

export type Sdk = typeof import('@aws-sdk/client-s3');

const noop = (): void => {};
const silentSdkLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop };

interface Loaded {
  client: S3Client;
  sdk: Sdk;
  agents: Array<HttpAgent | HttpsAgent>;
}

export interface SendOptions {
  /** Decide which failures get another attempt (default: 5xx, throttling, timeouts, drops). */
  retryable?: (err: unknown) => boolean;
  /** Skip the one-time bucket check (used by the check itself). */
  skipBucketCheck?: boolean;
}

/**
 * The one place that talks to S3: loads the SDK on first use, bounds requests in flight,
 * retries transient failures with backoff and jitter, and turns failures into AeroErrors.
 */
export class S3Connection {
  readonly requests: Semaphore;
  private loaded: Promise<Loaded> | undefined;
  private bucketChecked: Promise<void> | undefined;

  constructor(readonly settings: S3StoreSettings) {
    this.requests = new Semaphore(settings.maxConcurrentRequests);
  }

  /** Human-readable endpoint for messages. */
  get endpoint(): string {
    return this.settings.endpoint ?? `https://s3.${this.settings.region ?? process.env.AWS_REGION ?? 'amazonaws.com'}`;
  }

  get bucket(): string {
    return this.settings.bucket;
  }

  /** Store key → bucket key. */
  objectKey(key: string): string {
    return this.settings.prefix + key;
  }

  /** Bucket key → store key. */
  storeKey(objectKey: string): string {
    return objectKey.slice(this.settings.prefix.length);
  }

  context(op: string, key?: string): RequestContext {
    return { op, bucket: this.bucket, key: key === undefined ? undefined : this.objectKey(key), endpoint: this.endpoint, profile: this.settings.profile };
  }

  async load(): Promise<Loaded> {
    this.loaded ??= this.create().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  private async create(): Promise<Loaded> {
    const s = this.settings;
    // The SDK prints an 8-line "NodeVersionSupportWarning" on Node < 22 the first time a
    // client is made (through process.emitWarning, so on the user's stderr, from a library
    // that must not print). AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED is the SDK's
    // own switch (aws-sdk-js-v3#7983); set it unless the user chose a value.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const [sdk, http, https] = await Promise.all([import('@aws-sdk/client-s3'), import('node:http'), import('node:https')]);
    // Sockets: the semaphore bounds requests; response bodies being drained may hold a few more.
    const agentOptions = { keepAlive: true, maxSockets: s.maxConcurrentRequests * 2, keepAliveMsecs: 1000 };
    const agents = [new http.Agent(agentOptions), new https.Agent(agentOptions)] as const;
    const checksum = s.checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
    const region = s.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? (s.endpoint ? 'us-east-1' : undefined);
    const client = new sdk.S3Client({
      ...(region ? { region } : {}),
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
      forcePathStyle: s.forcePathStyle,
      ...(s.credentials ? { credentials: s.credentials } : {}),
      ...(s.profile ? { profile: s.profile } : {}),
      // Retries are ours (withRetry): they also cover streamed bodies and resumed downloads.
      maxAttempts: 1,
      requestChecksumCalculation: checksum,
      responseChecksumValidation: checksum,
      // A library never writes to the console: the SDK's warnings go to a silent logger
      // (without one it falls back to console.warn).
      logger: silentSdkLogger,
      requestHandler: {
        connectionTimeout: s.connectTimeoutMs,
        // Idle timeout: a request (or a response body) with no bytes moving this long fails
        // and is retried; a slow but moving 5 GiB part is fine.
        socketTimeout: s.requestTimeoutMs,
        httpAgent: agents[0],
        httpsAgent: agents[1],
        socketAcquisitionWarningTimeout: 24 * 3600 * 1000,
        logger: silentSdkLogger,
      },
    });
    addNotS3Check(client);
    return { client, sdk, agents: [...agents] };
  }

  /**
   * Checks once, lazily, that the bucket exists and the credentials work, so the first
   * failure says "bucket missing" or "bad credentials" rather than "object not found".
   * A policy that does not allow listing is not an error here: object operations decide.
   */
  ensureBucket(): Promise<void> {
    this.bucketChecked ??= this.send(
      'ListObjectsV2',
      undefined,
      async (client, sdk) => {
        try {
          await client.send(new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.settings.prefix, MaxKeys: 1 }));
        } catch (error) {
          if (nameOf(error) === 'AccessDenied') return;
          throw error;
        }
      },
      { skipBucketCheck: true },
    ).catch((error: unknown) => {
      this.bucketChecked = undefined;
      throw error;
    });
    return this.bucketChecked;
  }

  /**
   * Sends one logical request: `fn` is called once per attempt with the client, the SDK
   * module and the attempt number. Failures become AeroErrors naming what to check.
   */
  async send<T>(op: string, key: string | undefined, fn: (client: S3Client, sdk: Sdk, state: RetryState) => Promise<T>, options: SendOptions = {}): Promise<T> {
    let loaded: Loaded;
    try {
      loaded = await this.load();
    } catch (error) {
      throw toAeroError(error, this.context(op, key));
    }
    if (!options.skipBucketCheck) await this.ensureBucket();
    try {
      return await withRetry(
        this.settings.retry,
        async (state) => {
          const release = await this.requests.acquire();
          try {
            return await fn(loaded.client, loaded.sdk, state);
          } finally {
            release();
          }
        },
        options.retryable ?? isRetryable,
      );
    } catch (error) {
      const attempts = (error as { aeroAttempts?: number } | undefined)?.aeroAttempts;
      throw toAeroError(error, { ...this.context(op, key), ...(attempts ? { attempts } : {}) });
    }
  }

  async close(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    this.bucketChecked = undefined;
    if (!loaded) return;
    try {
      const { client, agents } = await loaded;
      client.destroy();
      for (const agent of agents) agent.destroy();
    } catch {
      // never loaded: nothing to close
    }
  }
}

export function isNotFound(err: unknown): boolean {
  const name = nameOf(err);
  if (name === 'NoSuchBucket') return false;
  return statusOf(err) === 404 || name === 'NoSuchKey' || name === 'NotFound';
}

/** What `request` resolves to, or `missing` when S3 answers that the key (or the upload) is not there. */
export async function unlessNotFound<T, M>(request: Promise<T>, missing: M): Promise<T | M> {
  try {
    return await request;
  } catch (error) {
    if (isNotFound(error)) return missing;
    throw error;
  }
}

/** HeadObject of a store key: the object's metadata, or undefined when there is no such object. */
export function headObject(conn: S3Connection, key: string): Promise<HeadObjectCommandOutput | undefined> {
  return conn.send('HeadObject', key, (client, sdk) => unlessNotFound(client.send(new sdk.HeadObjectCommand({ Bucket: conn.bucket, Key: conn.objectKey(key) })), undefined));
}

export function isPreconditionFailed(err: unknown): boolean {
  return statusOf(err) === 412 || nameOf(err) === 'PreconditionFailed';
}
