import { defineStore } from '@aeroml/core';
import { PLUGIN, VERSION } from './meta.js';
import { resolveS3StoreOptions, s3StoreOptionsSchema, type S3StoreOptions } from './options.js';
import { S3Store } from './store.js';

/**
 * An S3-compatible store (AWS S3, MinIO, Ceph, R2, ...) for blobs, artifact manifests, cache
 * entries and run records, so every machine pointed at the bucket shares runs and cache.
 * Options are validated now; the AWS SDK loads and connects on first use.
 *
 * ```ts
 * plugins: [s3Store({ bucket: 'ml-artifacts', prefix: 'aero', region: 'eu-west-1' })]
 * ```
 */
export const s3Store: (options: S3StoreOptions) => S3Store = defineStore({
  name: 's3',
  packageName: PLUGIN,
  version: VERSION,
  factory: 's3Store',
  options: s3StoreOptionsSchema,
  setup: (options) => new S3Store(resolveS3StoreOptions(options)),
});

export { S3Store } from './store.js';
export { s3StoreOptionsSchema, s3CredentialsSchema, parseS3StoreOptions } from './options.js';
export type { S3StoreOptions, S3StoreResolvedOptions, S3StoreSettings } from './options.js';
export { S3ErrorCodes } from './errors.js';
export type { S3ErrorCode } from './errors.js';
export { choosePartSize } from './upload.js';
export default s3Store;
