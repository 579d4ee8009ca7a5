import { createServer, type Server } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AeroError } from '@aeroml/core';
import { startFaultProxy } from '../../../tools/s3/fault-proxy.mjs';
import { s3Store } from '../src/index.js';
import { env, makeStore, tempDir, uniquePrefix } from './helpers.js';

async function failure(promise: Promise<unknown>): Promise<AeroError> {
  const result = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(result instanceof AeroError)) throw new Error(`expected an AeroError, got ${String(result)}`);
  expect(result.plugin).toBe('@aeroml/store-s3');
  return result;
}

const quickRetry = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 };

describe('clear errors: each says what happened and what to check', () => {
  it('S3_CREDENTIALS_INVALID for a wrong secret', async () => {
    const store = await makeStore({ credentials: { accessKeyId: env.accessKeyId, secretAccessKey: 'wrong-secret-key' } });
    const e = await failure(store.has('runs/x/run.json'));
    expect(e.code).toBe('S3_CREDENTIALS_INVALID');
    expect(e.message).toBe(
      `${env.endpoint} rejected the credentials (SignatureDoesNotMatch) on ListObjectsV2 of s3://${env.bucket}. Check the access key id and secret (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the \`credentials\` option), that a session token is not expired, and that the endpoint is the server the keys belong to.`,
    );
    await store.close();
  });

  it('S3_CREDENTIALS_INVALID for an unknown access key', async () => {
    const store = await makeStore({ credentials: { accessKeyId: 'nobody-knows-me', secretAccessKey: 'whatever-secret' } });
    const e = await failure(store.put('runs/x/run.json', '{}'));
    expect(e.code).toBe('S3_CREDENTIALS_INVALID');
    expect(e.message).toContain('rejected the credentials (InvalidAccessKeyId)');
    await store.close();
  });

  it('S3_CREDENTIALS_MISSING when the AWS credential chain finds nothing', async () => {
    const dir = await tempDir('nocreds');
    await writeFile(join(dir, 'empty'), '');
    const saved = { ...process.env };
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']) delete process.env[k];
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'empty');
    process.env.AWS_CONFIG_FILE = join(dir, 'empty');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    try {
      const store = s3Store({ bucket: env.bucket, endpoint: env.endpoint, region: env.region, cacheDir: false, retry: quickRetry });
      const e = await failure(store.getBytes('runs/x/run.json'));
      expect(e.code).toBe('S3_CREDENTIALS_MISSING');
      expect(e.message).toBe(
        `No AWS credentials found for s3://${env.bucket}. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with AWS_PROFILE (or the \`profile\` option), or pass \`credentials\` to s3Store.`,
      );
      await store.close();
    } finally {
      process.env = saved;
    }
  });

  it('uses the AWS credential chain (environment) when no credentials are given', async () => {
    const saved = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = env.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = env.secretAccessKey;
    try {
      const store = s3Store({ bucket: env.bucket, endpoint: env.endpoint, region: env.region, prefix: uniquePrefix('chain'), cacheDir: false });
      expect(await store.put('runs/chain/run.json', 'ok')).toEqual({ written: true });
      expect(Buffer.from((await store.getBytes('runs/chain/run.json'))!).toString()).toBe('ok');
      await store.close();
    } finally {
      process.env = saved;
    }
  });

  it('S3_BUCKET_NOT_FOUND for a bucket that does not exist', async () => {
    const store = await makeStore({ bucket: 'no-such-bucket-aero' });
    const e = await failure(store.get('runs/x/run.json'));
    expect(e.code).toBe('S3_BUCKET_NOT_FOUND');
    expect(e.message).toBe(
      `Bucket \`no-such-bucket-aero\` does not exist at ${env.endpoint}. Create it (e.g. \`aws s3 mb s3://no-such-bucket-aero\`) or fix the \`bucket\`, \`endpoint\` and \`region\` options.`,
    );
    await store.close();
  });

  it('S3_ACCESS_DENIED when the credentials may read but not write', async () => {
    // Temporary credentials restricted by a session policy to reading the bucket.
    const sts = new STSClient({ endpoint: env.endpoint, region: env.region, credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey } });
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${env.bucket}`, `arn:aws:s3:::${env.bucket}/*`] }],
    };
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:xxx:xxx:xxx:xxxx', RoleSessionName: 'aero-readonly', Policy: JSON.stringify(policy), DurationSeconds: 900 }));
    sts.destroy();
    const store = await makeStore({
      credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! },
      retry: quickRetry,
    });
    expect(await store.has('runs/ro/run.json')).toBe(false);
    const e = await failure(store.put('runs/ro/run.json', '{}'));
    expect(e.code).toBe('S3_ACCESS_DENIED');
    expect(e.message).toBe(
      `Access denied for PutObject on s3://${env.bucket}/${store.settings.prefix}runs/ro/run.json. The credentials are valid but their policy does not allow this: grant s3:GetObject, s3:PutObject, s3:DeleteObject, s3:ListBucket, s3:ListBucketMultipartUploads and s3:AbortMultipartUpload on the bucket and its prefix.`,
    );
    await store.close();
  });

  describe('unreachable and misbehaving endpoints', () => {
    let closed: Server;
    afterAll(() => closed?.close());

    it('S3_ENDPOINT_UNREACHABLE when nothing listens at the endpoint', async () => {
      // A port that was just free: bind, note it, close.
      closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as { port: number }).port;
      await new Promise<void>((r) => closed.close(() => r()));
      const store = await makeStore({ endpoint: `http://127.0.0.1:${port}`, retry: quickRetry });
      const e = await failure(store.has('runs/x/run.json'));
      expect(e.code).toBe('S3_ENDPOINT_UNREACHABLE');
      expect(e.message).toBe(
        `Cannot reach the S3 endpoint http://127.0.0.1:${port} (ECONNREFUSED) after 2 attempts during ListObjectsV2 of s3://${env.bucket}. Check the \`endpoint\` option, that the server is running and listening, and any proxy or firewall in between.`,
      );
      // A command that works anywhere, not a script of aero's own repository.
      expect(e.hint).toBe(`Is anything listening there? \`curl -sI http://127.0.0.1:${port}\` prints the server's answer, or why there is none.`);
      await store.close();
    });

    it('S3_TIMEOUT when the server does not answer in time', async () => {
      const proxy = await startFaultProxy({ target: env.endpoint, delayRate: 1, delayMs: 3000 });
      const store = await makeStore({ endpoint: proxy.url, requestTimeoutMs: 300, retry: quickRetry });
      const e = await failure(store.has('runs/x/run.json'));
      expect(e.code).toBe('S3_TIMEOUT');
      expect(e.message).toBe(
        `ListObjectsV2 of s3://${env.bucket} timed out after 2 attempts at ${proxy.url}. Check that the server is healthy and reachable, or raise \`requestTimeoutMs\`/\`connectTimeoutMs\`.`,
      );
      await store.close();
      await proxy.close();
    });

    it('S3_THROTTLED when every attempt gets 503 SlowDown', async () => {
      const proxy = await startFaultProxy({ target: env.endpoint, errorRate: 1 });
      const store = await makeStore({ endpoint: proxy.url, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
      const e = await failure(store.getBytes('runs/x/run.json'));
      expect(e.code).toBe('S3_THROTTLED');
      expect(e.message).toBe(
        `The S3 server kept throttling or refusing ListObjectsV2 of s3://${env.bucket} (SlowDown, HTTP 503) after 3 attempts. Lower \`maxConcurrentRequests\`/\`partConcurrency\`, or raise \`retry.attempts\`.`,
      );
      expect(proxy.stats.error).toBe(3);
      await store.close();
      await proxy.close();
    });

    it('S3_REQUEST_FAILED for a server that rejects the SDK checksums when they are forced on', async () => {
      const proxy = await startFaultProxy({ target: env.endpoint, rejectChecksums: true });
      const store = await makeStore({ endpoint: proxy.url, checksums: 'when_supported' });
      const e = await failure(store.put('runs/x/run.json', '{}'));
      expect(e.code).toBe('S3_REQUEST_FAILED');
      expect(e.message).toContain(`S3 PutObject of s3://${env.bucket}/${store.settings.prefix}runs/x/run.json failed: InvalidArgument (HTTP 400): x-amz-checksum and aws-chunked uploads are not supported`);
      await store.close();
      await proxy.close();
    });
  });
});
