import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AeroError } from '@aeroml/core';
import { s3Store } from '../src/index.js';
import { repoRoot } from './env.js';

/**
 * S3_WRONG_REGION against a real server that enforces its region. The shared test MinIO
 * has no region set, and MinIO then accepts any; so this file starts its own MinIO (the
 * binary tools/s3/start.sh built) with MINIO_SITE_REGION=eu-central-1. A request signed
 * for another region is refused by it with AuthorizationHeaderMalformed, as AWS does.
 */
const MINIO = join(repoRoot, '.tools', 's3', 'bin', 'minio');
const REGION = 'eu-central-1';
const BUCKET = 'regional';
const credentials = { accessKeyId: 'aero-region', secretAccessKey: 'aero-region-secret' };
let server: ChildProcess | undefined;
let dataDir = '';
let endpoint = '';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`the regional MinIO exited with code ${child.exitCode} during startup`);
    const ok = await fetch(`${url}/minio/health/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the regional MinIO at ${url} did not become ready`);
}

beforeAll(async () => {
  if (!existsSync(MINIO)) throw new Error(`${MINIO} is missing: run \`bash tools/s3/start.sh\` (the vitest globalSetup does) to build MinIO.`);
  dataDir = await mkdtemp(join(tmpdir(), 'aero-minio-region-'));
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  server = spawn(MINIO, ['server', dataDir, '--address', `127.0.0.1:${port}`], {
    env: { ...process.env, MINIO_ROOT_USER: credentials.accessKeyId, MINIO_ROOT_PASSWORD: credentials.secretAccessKey, MINIO_SITE_REGION: REGION, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off', MINIO_CI_CD: '1' },
    stdio: 'ignore',
  });
  await waitReady(endpoint, server);
  const client = new S3Client({ endpoint, region: REGION, credentials, forcePathStyle: true });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  client.destroy();
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function storeIn(region: string) {
  return s3Store({ bucket: BUCKET, endpoint, region, credentials, prefix: 'aero', cacheDir: false, retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 } });
}

async function failure(promise: Promise<unknown>): Promise<AeroError> {
  const result = await promise.then(() => undefined, (e: unknown) => e);
  if (!(result instanceof AeroError)) throw new Error(`expected an AeroError, got ${String(result)}`);
  return result;
}

const message = `Bucket \`${BUCKET}\` is in another region than the one configured (AuthorizationHeaderMalformed). Set the \`region\` option (or AWS_REGION) to the bucket's region.`;

describe('S3_WRONG_REGION: the bucket is in another region than the one configured', () => {
  it('reads and writes name the bucket and say to set `region`', async () => {
    const store = storeIn('us-east-1');
    for (const op of [() => store.has('runs/x/run.json'), () => store.put('runs/x/run.json', '{}'), () => store.getBytes('runs/x/run.json')]) {
      const e = await failure(op());
      expect(e.code).toBe('S3_WRONG_REGION');
      expect(e.plugin).toBe('@aeroml/store-s3');
      expect(e.message).toBe(message);
      expect(e.hint).toBe('The bucket region is shown by `aws s3api get-bucket-location --bucket <name>`.');
    }
    await store.close();
  });

  it('the same store with the bucket’s region works, so the region alone was wrong', async () => {
    const store = storeIn(REGION);
    await store.put('runs/x/run.json', '{"ok":true}');
    expect((await store.getBytes('runs/x/run.json'))?.toString()).toBe('{"ok":true}');
    await store.close();
  });
});
