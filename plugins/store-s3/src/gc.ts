import { unlessNotFound, type S3Connection } from './connection.js';
import type { BlobCache } from './cache.js';

/**
 * `aero gc` housekeeping: aborts multipart uploads under the store's prefix that were
 * started more than `olderThanMs` ago (left by killed processes; they cost storage and are
 * invisible to list), and removes stale temp files of the local blob cache.
 */
export async function collectGarbage(conn: S3Connection, cache: BlobCache | undefined, options: { dryRun: boolean; olderThanMs: number }): Promise<{ removed: string[] }> {
  const cutoff = Date.now() - options.olderThanMs;
  const stale: Array<{ key: string; uploadId: string }> = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await conn.send('ListMultipartUploads', undefined, (client, sdk) =>
      client.send(
        new sdk.ListMultipartUploadsCommand({
          // No Prefix: MinIO (and some others) match it against whole keys only, so list
          // the bucket's uploads and keep ours.
          Bucket: conn.bucket,
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
        }),
      ),
    );
    for (const upload of page.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId || !upload.Key.startsWith(conn.settings.prefix)) continue;
      const started = upload.Initiated?.getTime() ?? 0;
      if (started <= cutoff) stale.push({ key: upload.Key, uploadId: upload.UploadId });
    }
    if (!page.IsTruncated) break;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
    if (!keyMarker && !uploadIdMarker) break;
  }
  const removed: string[] = [];
  for (const { key, uploadId } of stale) {
    const storeKey = conn.storeKey(key);
    if (!options.dryRun) {
      // Not found: already completed or aborted by its owner.
      await conn.send('AbortMultipartUpload', storeKey, (client, sdk) => unlessNotFound(client.send(new sdk.AbortMultipartUploadCommand({ Bucket: conn.bucket, Key: key, UploadId: uploadId })), undefined));
    }
    removed.push(`${storeKey} (incomplete multipart upload ${uploadId})`);
  }
  if (cache) removed.push(...(await cache.cleanTemp(options.olderThanMs, options.dryRun)));
  return { removed };
}
