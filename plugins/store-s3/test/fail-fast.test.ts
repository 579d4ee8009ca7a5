// Errors of a misconfigured store appear at once and alone: a wrong endpoint is tried
// `retry.unreachableAttempts` times (not `retry.attempts`), and the AWS SDK's Node
// version warning is not printed on the user's terminal.
import { createServer as createHttpServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AeroError } from '@aeroml/core';
import { s3Store } from '../src/index.js';
import { env } from './helpers.js';
import { closedPort } from '@aeroml/test-utils';

describe('a misconfigured S3 store fails fast and quietly', () => {
  it('tries an endpoint where nothing listens unreachableAttempts times, though retry.attempts is 6', async () => {
    const port = await closedPort();
    const store = s3Store({ bucket: env.bucket, endpoint: `http://127.0.0.1:${port}`, region: env.region, credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey }, cacheDir: false, retry: { attempts: 6, unreachableAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    const e = (await store.has('runs/x/run.json').catch((error: unknown) => error)) as AeroError;
    expect(e).toBeInstanceOf(AeroError);
    expect(e.code).toBe('S3_ENDPOINT_UNREACHABLE');
    expect(e.message).toContain('(ECONNREFUSED) after 3 attempts during ListObjectsV2');
    await store.close();
  });

  it('a server that is there but fails still gets every attempt (unreachableAttempts does not apply)', async () => {
    // Answers every request with 503: the server is there, the requests fail.
    let requests = 0;
    const server = createHttpServer((_req, res) => {
      requests++;
      res.writeHead(503, { 'content-type': 'application/xml' }).end('<Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const store = s3Store({ bucket: env.bucket, endpoint: `http://127.0.0.1:${port}`, region: env.region, credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey }, cacheDir: false, retry: { attempts: 4, unreachableAttempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    const e = (await store.has('runs/x/run.json').catch((error: unknown) => error)) as AeroError;
    expect(e.code).toBe('S3_THROTTLED');
    expect(e.message).toContain('after 4 attempts');
    expect(requests).toBe(4);
    await store.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('does not let the AWS SDK print its Node version warning', async () => {
    delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const store = s3Store({ bucket: env.bucket, endpoint: env.endpoint, region: env.region, credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey }, cacheDir: false });
      expect(await store.has(`runs/fail-fast-${Date.now()}/run.json`)).toBe(false);
      await store.close();
      // process.emitWarning delivers on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.includes('AWS SDK'))).toEqual([]);
      expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
