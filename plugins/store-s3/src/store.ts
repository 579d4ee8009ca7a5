import { Readable } from 'node:stream';
import type { PutOptions, PutResult, Store } from '@aeroml/core';
import { headObject, S3Connection, unlessNotFound } from './connection.js';
import { BlobCache } from './cache.js';
import { DirMemo, getBytes, getFile, getStream } from './download.js';
import { collectGarbage } from './gc.js';
import { checkKey, digestOfKey } from './keys.js';
import { mapLimit, Semaphore } from './limit.js';
import { PLUGIN, VERSION } from './meta.js';
import type { S3StoreSettings } from './options.js';
import { putBytes, putFile, putStream } from './upload.js';

/** The Store a `s3Store(...)` factory returns. Nothing touches the network until first use. */
export class S3Store implements Store {
  readonly kind = 'store' as const;
  readonly name = 's3';
  readonly version = VERSION;
  readonly packageName = PLUGIN;
  readonly settings: S3StoreSettings;
  private readonly conn: S3Connection;
  private readonly cache: BlobCache | undefined;
  /**
   * Whole operations in flight (each may read or write a local file): callers may start
   * 10,000 putFile/getFile at once without opening 10,000 files or buffering them all.
   */
  private readonly ops: Semaphore;
  private readonly dirs = new DirMemo();

  constructor(settings: S3StoreSettings) {
    this.settings = settings;
    this.conn = new S3Connection(settings);
    this.cache = settings.cacheDir ? new BlobCache(settings.cacheDir) : undefined;
    this.ops = new Semaphore(settings.maxConcurrentRequests);
  }

  /** `s3://bucket/prefix` for messages and `aero` output. */
  get url(): string {
    return `s3://${this.settings.bucket}/${this.settings.prefix}`;
  }

  async has(key: string): Promise<boolean> {
    checkKey(key);
    return (await headObject(this.conn, key)) !== undefined;
  }

  async hasMany(keys: string[]): Promise<boolean[]> {
    return mapLimit(keys, this.settings.maxConcurrentRequests, (key) => this.has(key));
  }

  async get(key: string): Promise<Readable | null> {
    checkKey(key);
    return getStream(this.conn, this.cache, key);
  }

  async getBytes(key: string): Promise<Uint8Array | null> {
    checkKey(key);
    return this.ops.run(() => getBytes(this.conn, this.cache, key));
  }

  async put(key: string, body: Uint8Array | string | Readable, options: PutOptions = {}): Promise<PutResult> {
    checkKey(key);
    if (typeof body === 'string') return this.ops.run(() => putBytes(this.conn, key, Buffer.from(body, 'utf8'), options));
    if (body instanceof Uint8Array) return this.ops.run(() => putBytes(this.conn, key, body, options));
    // A stream is the caller's: it may depend on other store calls, so it takes no slot here
    // (its requests still go through the request limit).
    if (body instanceof Readable || typeof (body as Readable)?.[Symbol.asyncIterator] === 'function') return putStream(this.conn, key, body, options);
    throw new TypeError(`s3Store.put: body must be a Uint8Array, a string or a Readable, got ${typeof body}`);
  }

  async putFile(key: string, filePath: string, options: PutOptions = {}): Promise<PutResult> {
    checkKey(key);
    return this.ops.run(() => putFile(this.conn, key, filePath, options));
  }

  async getFile(key: string, filePath: string): Promise<boolean> {
    checkKey(key);
    return this.ops.run(() => getFile(this.conn, this.cache, key, filePath, this.dirs));
  }

  async *list(prefix: string): AsyncIterable<string> {
    const conn = this.conn;
    let token: string | undefined;
    do {
      const page = await conn.send('ListObjectsV2', prefix || undefined, (client, sdk) =>
        client.send(
          new sdk.ListObjectsV2Command({
            Bucket: conn.bucket,
            Prefix: conn.objectKey(prefix),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const item of page.Contents ?? []) if (item.Key) yield conn.storeKey(item.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    const conn = this.conn;
    await conn.send('DeleteObject', key, (client, sdk) => unlessNotFound(client.send(new sdk.DeleteObjectCommand({ Bucket: conn.bucket, Key: conn.objectKey(key) })), undefined));
    const hex = digestOfKey(key);
    if (hex && this.cache) await this.cache.remove(hex);
  }

  async gc(options: { dryRun: boolean; olderThanMs: number }): Promise<{ removed: string[] }> {
    return collectGarbage(this.conn, this.cache, options);
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}
