import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AeroError } from '@aeroml/core';
import { z } from 'zod';
import { choosePartSize, parseS3StoreOptions, s3Store, s3StoreOptionsSchema } from '../src/index.js';
import { VERSION } from '../src/meta.js';

const MiB = 1024 * 1024;

/** A schema without its optional/default/prefault wrappers. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) s = s.unwrap() as z.ZodType;
  return s;
}

function optionsError(input: unknown): AeroError {
  try {
    parseS3StoreOptions(input);
  } catch (error) {
    return error as AeroError;
  }
  throw new Error('expected PLUGIN_OPTIONS_INVALID');
}

describe('s3Store options', () => {
  it('lists every problem with its dot path in one PLUGIN_OPTIONS_INVALID error', () => {
    const e = optionsError({ bucket: 42, endpoint: 'not a url', retry: { attempts: 0 }, partSize: 1024, typo: true });
    expect(e).toBeInstanceOf(AeroError);
    expect(e.code).toBe('PLUGIN_OPTIONS_INVALID');
    expect(e.plugin).toBe('@aeroml/store-s3');
    expect(e.message.split('\n')[0]).toBe('Invalid options for s3Store():');
    const problems = ['`bucket`: expected string, received number', '`endpoint`: Invalid URL', '`retry.attempts`: Too small: expected number to be >=1', '`partSize`: Too small: expected number to be >=5242880', '`typo`: unknown option.'];
    for (const problem of problems) expect(e.message).toContain(`\n  - ${problem}`);
    // Names the package's README, not a path that exists only in aero's repository.
    expect(e.hint).toBe('Fix the listed options where s3Store() is created in aero.config.ts; the Options section of the @aeroml/store-s3 README lists every option.');
    expect(optionsError({ bucket: 'b-1', bukcet: 'b-2' }).message).toContain('\n  - `bukcet`: unknown option. Did you mean `bucket`?');
    expect(optionsError({ bucket: 'b-1', retry: { attemps: 2 } }).message).toContain('\n  - `retry.attemps`: unknown option. Did you mean `attempts`?');
    expect(optionsError({ bucket: 'b-1', retry: { maxDelay: 10 } }).message).toContain('\n  - `retry.maxDelay`: unknown option. Did you mean `maxDelayMs`?');
  });

  it('names a mistyped key inside `credentials` with the nearest one, next to the key it left missing', () => {
    const e = optionsError({ bucket: 'b-1', credentials: { accessKeyId: 'AKIA', secretAccesKey: 's3cr3t' } });
    expect(e.message).toBe(
      'Invalid options for s3Store():\n  - `credentials.secretAccessKey`: required (expected string)\n  - `credentials.secretAccesKey`: unknown option. Did you mean `secretAccessKey`?',
    );
    expect(() => s3Store({ bucket: 'b-1', credentials: { accessKeyId: 'AKIA', secretAccessKey: 's', sesionToken: 't' } as never })).toThrow(
      'Invalid options for s3Store():\n  - `credentials.sesionToken`: unknown option. Did you mean `sessionToken`?',
    );
  });

  it('takes credentials as an AWS SDK provider resolves them, and an object an SDK client was already given', () => {
    const resolved = { accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: 't', expiration: new Date(0), accountId: '123456789012', credentialScope: 'eu-west-1', $source: { CREDENTIALS_CODE: 'e' } };
    expect(parseS3StoreOptions({ bucket: 'b-1', credentials: resolved }).credentials).toEqual(resolved);
  });

  it('every nested options object refuses unknown keys (none is dropped silently)', () => {
    const nested = Object.entries(s3StoreOptionsSchema.shape).filter(([, schema]) => unwrapped(schema) instanceof z.ZodObject);
    expect(nested.map(([name]) => name).sort()).toEqual(['credentials', 'retry']);
    for (const [name] of nested) {
      expect(optionsError({ bucket: 'b-1', [name]: { aeroNoSuchKey: 1 } }).message).toContain(`\n  - \`${name}.aeroNoSuchKey\`: unknown option.`);
    }
  });

  it('rejects a missing bucket, a bad bucket name and a prefix starting with /', () => {
    expect(optionsError({}).message).toContain('  - `bucket`: required (expected string)');
    expect(optionsError({ bucket: 'My_Bucket' }).message).toContain('  - `bucket`: expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)');
    expect(optionsError({ bucket: 'ok-bucket', prefix: '/abs' }).message).toContain('  - `prefix`: must not start with `/` or contain `//`');
  });

  it('defaults: path style and "when required" checksums for custom endpoints, SDK defaults for AWS', () => {
    const custom = parseS3StoreOptions({ bucket: 'b-1', endpoint: 'http://127.0.0.1:9000', prefix: 'team/aero/' });
    expect(custom.forcePathStyle).toBe(true);
    expect(custom.checksums).toBe('when_required');
    expect(custom.prefix).toBe('team/aero/');
    expect(custom.partConcurrency).toBe(8);
    expect(custom.retry).toEqual({ attempts: 6, unreachableAttempts: 2, baseDelayMs: 100, maxDelayMs: 5000 });
    expect(custom.connectTimeoutMs).toBe(3000);
    const aws = parseS3StoreOptions({ bucket: 'b-1', prefix: 'x' });
    expect(aws.forcePathStyle).toBe(false);
    expect(aws.checksums).toBe('when_supported');
    expect(aws.prefix).toBe('x/');
    expect(parseS3StoreOptions({ bucket: 'b-1' }).prefix).toBe('');
  });

  it('puts the blob cache under XDG_CACHE_HOME (or ~/.cache) unless given or disabled', () => {
    const saved = process.env.XDG_CACHE_HOME;
    try {
      process.env.XDG_CACHE_HOME = '/tmp/xdg-test';
      expect(parseS3StoreOptions({ bucket: 'b-1' }).cacheDir).toBe('/tmp/xdg-test/aero/store-s3');
      delete process.env.XDG_CACHE_HOME;
      expect(parseS3StoreOptions({ bucket: 'b-1' }).cacheDir).toBe(join(homedir(), '.cache', 'aero', 'store-s3'));
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
    expect(parseS3StoreOptions({ bucket: 'b-1', cacheDir: false }).cacheDir).toBe(false);
    expect(parseS3StoreOptions({ bucket: 'b-1', cacheDir: '/var/cache/aero' }).cacheDir).toBe('/var/cache/aero');
  });

  it('the factory validates now and connects lazily (an unreachable endpoint is fine until first use)', () => {
    const store = s3Store({ bucket: 'b-1', endpoint: 'http://127.0.0.1:1' });
    expect(store.kind).toBe('store');
    expect(store.name).toBe('s3');
    expect(store.packageName).toBe('@aeroml/store-s3');
    expect(store.url).toBe('s3://b-1/');
    expect(() => s3Store({ bucket: '' })).toThrow(AeroError);
  });

  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(s3Store({ bucket: 'b-1' }).version).toBe(pkg.version);
  });

  it('does not load the AWS SDK when the package is imported', () => {
    const built = readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8');
    expect(built).not.toMatch(/^import .*@aws-sdk/m);
    expect(built).toMatch(/import\(["']@aws-sdk\/client-s3["']\)/);
  });
});

describe('part size', () => {
  it('scales with the file: 8 MiB parts for small, 16 MiB for 1 GiB, 64 MiB cap, ≤ 10,000 parts', () => {
    expect(choosePartSize(100 * MiB)).toBe(8 * MiB);
    expect(choosePartSize(1024 * MiB)).toBe(16 * MiB);
    expect(choosePartSize(4096 * MiB)).toBe(64 * MiB);
    expect(choosePartSize(100 * 1024 * MiB)).toBe(64 * MiB);
    const huge = 5 * 1024 * 1024 * MiB; // 5 TiB, S3's object limit
    expect(Math.ceil(huge / choosePartSize(huge))).toBeLessThanOrEqual(10_000);
    expect(choosePartSize(100 * MiB, 5 * MiB)).toBe(5 * MiB);
  });
});
