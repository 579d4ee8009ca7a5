import { createServer, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
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

  describe('a profile that gives no credentials is named', () => {
    // Only the shared files below exist for the SDK: no environment keys, no instance metadata.
    async function withProfileFiles<T>(fn: (dir: string) => Promise<T>): Promise<T> {
      const dir = await tempDir('profiles');
      await writeFile(join(dir, 'credentials'), '[default]\naws_access_key_id = x\naws_secret_access_key = y\n\n[dev]\naws_access_key_id = x\naws_secret_access_key = y\n');
      await writeFile(join(dir, 'config'), '[profile staging]\nregion = us-east-1\n\n[sso-session corp]\nsso_region = us-east-1\n');
      const saved = { ...process.env };
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']) delete process.env[k];
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      try {
        return await fn(dir);
      } finally {
        process.env = saved;
      }
    }

    it('S3_CREDENTIALS_MISSING names a profile that is in neither file, where it was looked for and the profiles there', async () => {
      await withProfileFiles(async (dir) => {
        const store = s3Store({ bucket: env.bucket, endpoint: env.endpoint, region: env.region, profile: 'dve', cacheDir: false, retry: quickRetry });
        const e = await failure(store.has('runs/x/run.json'));
        expect(e.code).toBe('S3_CREDENTIALS_MISSING');
        expect(e.message).toBe(
          `The AWS profile \`dve\` (the \`profile\` option) was not found for s3://${env.bucket}: it is in neither ${dir}/credentials (AWS_SHARED_CREDENTIALS_FILE) nor ${dir}/config (AWS_CONFIG_FILE); the profiles there are \`default\`, \`dev\`, \`staging\`. Did you mean \`dev\`? Fix the \`profile\` option, or create the profile (\`aws configure --profile dve\`).`,
        );
        expect(e.hint).toBe(
          'With a profile chosen the SDK skips AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; it reads profiles from AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials) and AWS_CONFIG_FILE (default ~/.aws/config, as `[profile name]`).',
        );
        expect(e.details?.['profile']).toBe('dve');
        await store.close();

        process.env.AWS_PROFILE = 'nosuch';
        const fromEnv = s3Store({ bucket: env.bucket, endpoint: env.endpoint, region: env.region, cacheDir: false, retry: quickRetry });
        expect((await failure(fromEnv.has('runs/x/run.json'))).message).toBe(
          `The AWS profile \`nosuch\` (AWS_PROFILE) was not found for s3://${env.bucket}: it is in neither ${dir}/credentials (AWS_SHARED_CREDENTIALS_FILE) nor ${dir}/config (AWS_CONFIG_FILE); the profiles there are \`default\`, \`dev\`, \`staging\`. Fix AWS_PROFILE, or create the profile (\`aws configure --profile nosuch\`).`,
        );
        await fromEnv.close();
      });
    });

    it('S3_CREDENTIALS_MISSING for a profile that exists without credentials says so', async () => {
      await withProfileFiles(async (dir) => {
        const store = s3Store({ bucket: env.bucket, endpoint: env.endpoint, region: env.region, profile: 'staging', cacheDir: false, retry: quickRetry });
        const e = await failure(store.getBytes('runs/x/run.json'));
        expect(e.code).toBe('S3_CREDENTIALS_MISSING');
        expect(e.message).toBe(
          `No AWS credentials found for s3://${env.bucket} in the AWS profile \`staging\` (the \`profile\` option), which is in ${dir}/config (AWS_CONFIG_FILE): give it aws_access_key_id and aws_secret_access_key (or sso_session, role_arn, credential_process), or fix the \`profile\` option.`,
        );
        await store.close();
      });
    });

    it('the profile that exists works against the real server', async () => {
      await withProfileFiles(async (dir) => {
        await writeFile(join(dir, 'credentials'), `[minio]\naws_access_key_id = ${env.accessKeyId}\naws_secret_access_key = ${env.secretAccessKey}\n`);
        const store = s3Store({ bucket: env.bucket, endpoint: env.endpoint, region: env.region, profile: 'minio', prefix: uniquePrefix('profile'), cacheDir: false });
        expect(await store.put('runs/p/run.json', 'ok')).toEqual({ written: true });
        await store.close();
      });
    });
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

    // A fake only here: what matters is a server that is not S3 (like MLflow on :5000).
    async function notS3Server(answer: { status: number; type: string; body: string }) {
      const requests: string[] = [];
      const server = createHttpServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        res.writeHead(answer.status, { 'content-type': answer.type, server: 'uvicorn' });
        res.end(answer.body);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      return { url, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
    }
    const notS3Advice =
      'Check the `endpoint` option: it must be the URL of the S3 API, not of another service on that host (a web UI, a tracking server, a proxy\'s login page).';

    it('S3_ENDPOINT_NOT_S3 for a web server answering HTML 404 pages, at once', async () => {
      const page = '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n';
      const web = await notS3Server({ status: 404, type: 'text/html; charset=utf-8', body: page });
      const store = await makeStore({ endpoint: web.url, retry: quickRetry });
      const e = await failure(store.has('runs/x/run.json'));
      expect(e.code).toBe('S3_ENDPOINT_NOT_S3');
      expect(e.message).toBe(`${web.url} did not answer like an S3 server: ListObjectsV2 of s3://${env.bucket} got HTTP 404 text/html, page title "404 Not Found". ${notS3Advice}`);
      expect(e.hint).toBe(`\`curl -si ${web.url}\` shows what answers there; an S3 server answers with XML (without credentials, usually an AccessDenied error).`);
      expect(e.message).not.toContain('$response');
      expect(web.requests).toHaveLength(1); // a 404 page will not change: no retries
      await store.close();
      await web.close();
    });

    it('S3_ENDPOINT_NOT_S3 for a 200 HTML page, which the SDK took for an empty bucket: nothing is written there', async () => {
      const web = await notS3Server({ status: 200, type: 'text/html', body: '<html><head><title>MLflow</title></head><body><div id="root"></div></body></html>' });
      const store = await makeStore({ endpoint: web.url, retry: quickRetry });
      const e = await failure(store.put('runs/x/run.json', '{}'));
      expect(e.code).toBe('S3_ENDPOINT_NOT_S3');
      expect(e.message).toBe(`${web.url} did not answer like an S3 server: ListObjectsV2 of s3://${env.bucket} got HTTP 200 text/html, page title "MLflow". ${notS3Advice}`);
      expect(web.requests.some((r) => r.startsWith('PUT '))).toBe(false);
      await store.close();
      await web.close();
    });

    it('S3_ENDPOINT_NOT_S3 for a JSON API, quoting one short line of its body', async () => {
      const body = JSON.stringify({ detail: 'Not Found', trace: 'x'.repeat(500) });
      const web = await notS3Server({ status: 404, type: 'application/json', body });
      const store = await makeStore({ endpoint: web.url, retry: quickRetry });
      const e = await failure(store.get('runs/x/run.json'));
      expect(e.code).toBe('S3_ENDPOINT_NOT_S3');
      expect(e.message).toBe(`${web.url} did not answer like an S3 server: ListObjectsV2 of s3://${env.bucket} got HTTP 404 application/json: "${body.slice(0, 79)}…". ${notS3Advice}`);
      await store.close();
      await web.close();
    });

    it("S3_ENDPOINT_NOT_S3 after the retries for a proxy's 502 page (it may be gone on the next attempt)", async () => {
      const web = await notS3Server({ status: 502, type: 'text/html', body: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>' });
      const store = await makeStore({ endpoint: web.url, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
      const e = await failure(store.has('runs/x/run.json'));
      expect(e.code).toBe('S3_ENDPOINT_NOT_S3');
      expect(e.message).toBe(`${web.url} did not answer like an S3 server: ListObjectsV2 of s3://${env.bucket} got HTTP 502 text/html, page title "502 Bad Gateway" after 3 attempts. ${notS3Advice}`);
      expect(web.requests).toHaveLength(3);
      await store.close();
      await web.close();
    });

    it('objects stored as HTML pages on the real server are still just objects', async () => {
      const store = await makeStore();
      const page = '<html><head><title>report</title></head></html>';
      expect(await store.put('runs/x/report.html', page, { contentType: 'text/html' })).toEqual({ written: true });
      expect(await store.has('runs/x/report.html')).toBe(true);
      expect(Buffer.from((await store.getBytes('runs/x/report.html'))!).toString()).toBe(page);
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
