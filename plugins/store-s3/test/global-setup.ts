import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readS3Env } from './env.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Starts (or finds running) the MinIO from tools/s3/start.sh before any test. A fast no-op
 * when it already runs. Fails loudly, never skips, when the server cannot be had.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const script = join(repo, 'tools', 's3', 'start.sh');
  if (!existsSync(script)) throw new Error(`@aeroml/store-s3 tests need ${script}`);
  try {
    execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer; message: string };
    throw new Error(
      `@aeroml/store-s3 tests need a local S3 server, and tools/s3/start.sh failed: ${e.message}\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}\n` +
        'Run `bash tools/s3/start.sh` from the repository root and read its output.',
    );
  }
  const env = readS3Env();
  const res = await fetch(`${env.endpoint}/minio/health/ready`).catch((e: unknown) => e as Error);
  if (res instanceof Error || !res.ok) {
    throw new Error(`The S3 server at ${env.endpoint} (from .tools/s3.env) does not answer: ${res instanceof Error ? res.message : `HTTP ${res.status}`}. Run \`bash tools/s3/start.sh\`.`);
  }
  // Every key this run writes lives under one root, removed again at the end (other runs,
  // e.g. another engineer's, use their own roots in the same bucket).
  const root = `test/run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  project.provide('s3TestRoot', root);
  return () => removeRoot(env, root);
}

async function removeRoot(env: ReturnType<typeof readS3Env>, root: string): Promise<void> {
  const { S3Client, ListObjectsV2Command, DeleteObjectsCommand, ListMultipartUploadsCommand, AbortMultipartUploadCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    endpoint: env.endpoint,
    region: env.region,
    forcePathStyle: true,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  try {
    for (;;) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: `${root}/` }));
      const keys = (page.Contents ?? []).map((c) => ({ Key: c.Key! }));
      if (keys.length === 0) break;
      await client.send(new DeleteObjectsCommand({ Bucket: env.bucket, Delete: { Objects: keys, Quiet: true } }));
    }
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: env.bucket }));
    for (const u of uploads.Uploads ?? []) {
      if (u.Key?.startsWith(`${root}/`)) await client.send(new AbortMultipartUploadCommand({ Bucket: env.bucket, Key: u.Key, UploadId: u.UploadId }));
    }
  } finally {
    client.destroy();
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3TestRoot: string;
  }
}
