import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { AeroError } from '@aeroml/core';
import { startFaultProxy } from '../../../tools/s3/fault-proxy.mjs';
import { env, makeStore, MiB, patternBytes, rawClient, tempDir, uniquePrefix } from './helpers.js';

const raw = rawClient();
afterAll(() => raw.destroy());

async function uploadsUnder(prefix: string): Promise<string[]> {
  // MinIO matches Prefix against whole keys only: list all and filter.
  const out = await raw.send(new ListMultipartUploadsCommand({ Bucket: env.bucket }));
  return (out.Uploads ?? []).map((u) => u.Key!).filter((k) => k.startsWith(prefix));
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await raw.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key }));
    return true;
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw e;
  }
}

describe('interrupted uploads', () => {
  it('a process killed mid-upload leaves no visible object; gc() aborts its orphan multipart upload', async () => {
    const child = fileURLToPath(new URL('./fixtures/interrupted-upload.mjs', import.meta.url));
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    expect(existsSync(dist), `${dist} is missing: run \`npm run build\` in plugins/store-s3 first`).toBe(true);
    const prefix = `${uniquePrefix('killed')}/`;
    const key = 'objects/big.bin';
    const file = join(await tempDir(), 'big.bin');
    await writeFile(file, patternBytes(30 * MiB, 11));

    let parts = 0;
    let kill: () => void = () => {};
    const partSeen = new Promise<void>((resolve) => (kill = resolve));
    const proxy = await startFaultProxy({
      target: env.endpoint,
      onRequest: (r) => {
        if (r.method === 'PUT' && r.url?.includes('partNumber=') && ++parts === 2) kill();
      },
    });
    const proc = spawn(process.execPath, [child, proxy.url, env.bucket, env.accessKeyId, env.secretAccessKey, prefix, key, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ?? code)));
    await Promise.race([partSeen, exited.then(() => Promise.reject(new Error(`child exited before uploading parts:\n${output}`)))]);
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    await proxy.close();
    expect(output).not.toContain('finished');

    expect(await objectExists(`${prefix}${key}`)).toBe(false);
    expect(await uploadsUnder(prefix)).toEqual([`${prefix}${key}`]);

    const store = await makeStore({ prefix });
    // Too young for the default grace period: left alone.
    expect((await store.gc({ dryRun: false, olderThanMs: 3_600_000 })).removed).toEqual([]);
    const dry = await store.gc({ dryRun: true, olderThanMs: 0 });
    expect(dry.removed).toHaveLength(1);
    expect(dry.removed[0]).toMatch(/^objects\/big\.bin \(incomplete multipart upload .+\)$/);
    expect(await uploadsUnder(prefix)).toHaveLength(1);
    const real = await store.gc({ dryRun: false, olderThanMs: 0 });
    expect(real.removed).toEqual(dry.removed);
    expect(await uploadsUnder(prefix)).toEqual([]);
    expect(await objectExists(`${prefix}${key}`)).toBe(false);
    await store.close();
  });

  it('an upload that fails in-process aborts its multipart upload and leaves nothing', async () => {
    const proxy = await startFaultProxy({ target: env.endpoint, decide: (r) => (r.method === 'PUT' && r.url?.includes('partNumber=3') ? 'error' : undefined) });
    const store = await makeStore({ endpoint: proxy.url, multipartThreshold: 5 * MiB, partSize: 5 * MiB, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    const file = join(await tempDir(), 'big.bin');
    await writeFile(file, patternBytes(16 * MiB, 12));
    const e = (await store.putFile('objects/failing.bin', file).catch((err: unknown) => err)) as AeroError;
    expect(e).toBeInstanceOf(AeroError);
    expect(e.code).toBe('S3_THROTTLED');
    expect(e.message).toContain('UploadPart of');
    expect(await objectExists(`${store.settings.prefix}objects/failing.bin`)).toBe(false);
    expect(await uploadsUnder(store.settings.prefix)).toEqual([]);
    await store.close();
    await proxy.close();
  });
});
