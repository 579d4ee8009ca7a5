import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backoffMs, retryAfterMs } from '../src/client.js';
import { netrcPassword, resolveBaseUrl, resolveMode } from '../src/credentials.js';
import { clientId, exitCode, historyRows, partitionAlias, sanitizeName, tagList, toJsonSafe, wbRunId, wrapConfig } from '../src/mapping.js';
import { manifestDigest } from '../src/artifacts.js';
import { parseOptions } from '../src/options.js';

describe('mapping aero to W&B', () => {
  it('gives each pipeline run and instance a stable, distinct W&B run id', () => {
    expect(wbRunId('20261122T1200-ab12')).toBe('aero-20261122T1200-ab12');
    expect(wbRunId('r1', 'simulate[split=test,sim=3]')).toBe(wbRunId('r1', 'simulate[split=test,sim=3]'));
    expect(wbRunId('r1', 'simulate[split=test,sim=3]')).not.toBe(wbRunId('r1', 'simulate[split=test,sim=4]'));
    expect(wbRunId('r1', 'x')).toMatch(/^aero-r1-[0-9a-f]{10}$/);
    expect(wbRunId('weird/id:with spaces')).toBe('aero-weird-id-with-spaces');
  });

  it('turns a metric batch into one history row per step, in step order', () => {
    const rows = historyRows(
      [
        { name: 'lr', value: 0.3, step: 2, timestamp: 3000 },
        { name: 'lr', value: 0.1, step: 0, timestamp: 1000 },
        { name: 'loss', value: 1.5, step: 0, timestamp: 1500 },
        { name: '_step', value: 9, step: 2, timestamp: 2500 },
        { name: 'bad', value: Number.NaN, step: 2, timestamp: 2000 },
      ],
      500,
    );
    expect(rows).toEqual([
      { _step: 0, _timestamp: 1.5, _runtime: 1, lr: 0.1, loss: 1.5 },
      { _step: 2, _timestamp: 3, _runtime: 2.5, lr: 0.3, 'aero/_step': 9, bad: 'NaN' },
    ]);
  });

  it('wraps config values the way W&B stores them and keeps non-JSON numbers as text', () => {
    expect(wrapConfig({ lr: 0.1, nested: { inf: Number.POSITIVE_INFINITY, big: 10n, skip: undefined } })).toEqual({
      lr: { value: 0.1, desc: null },
      nested: { value: { inf: 'Infinity', big: '10' }, desc: null },
    });
    expect(toJsonSafe([1, -Infinity])).toEqual([1, '-Infinity']);
  });

  it('maps tags, statuses, partitions and names', () => {
    expect(tagList({ owner: 'ci', flag: '', long: 'x'.repeat(80) }, ['aero'])).toEqual(['aero', 'owner:ci', 'flag']);
    expect([exitCode('ran'), exitCode('cached'), exitCode('skipped'), exitCode('succeeded'), exitCode('failed'), exitCode('interrupted')]).toEqual([0, 0, 0, 0, 1, 130]);
    expect(partitionAlias({ sim: 3, split: 'test' })).toBe('sim-3.split-test');
    expect(partitionAlias(undefined)).toBeUndefined();
    expect(sanitizeName('train.model')).toBe('train.model');
    expect(sanitizeName('a b/c')).toBe('a-b-c');
    expect(clientId('x')).toMatch(/^[0-9a-z]{128}$/);
    expect(clientId('x')).toBe(clientId('x'));
  });

  it('computes the W&B manifest digest over sorted path:digest lines', () => {
    const expected = createHash('md5').update('wandb-artifact-manifest-v1\na.txt:AAA\nb.txt:BBB\n').digest('hex');
    expect(manifestDigest({ 'b.txt': { digest: 'BBB', size: 1 }, 'a.txt': { digest: 'AAA', size: 1 } })).toBe(expected);
  });
});

describe('client policy', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
  });

  it('backs off exponentially within the policy bounds', () => {
    const policy = { attempts: 10, minDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(0, policy, () => 0)).toBe(50);
    expect(backoffMs(0, policy, () => 1)).toBe(100);
    expect(backoffMs(3, policy, () => 1)).toBe(800);
    expect(backoffMs(9, policy, () => 1)).toBe(1000);
  });
});

describe('credentials and options', () => {
  it('reads netrc like the W&B clients (machine entries, then default)', () => {
    const text = 'machine api.wandb.ai login user password KEY1\nmachine 127.0.0.1\n  login user\n  password KEY2\ndefault login x password KEY3\n';
    expect(netrcPassword(text, 'api.wandb.ai')).toBe('KEY1');
    expect(netrcPassword(text, '127.0.0.1')).toBe('KEY2');
    expect(netrcPassword(text, 'other')).toBe('KEY3');
    expect(netrcPassword('machine a password b', 'c')).toBeUndefined();
  });

  it('takes mode and host from options, then WANDB_MODE / WANDB_BASE_URL', () => {
    const defaults = parseOptions({});
    expect(resolveMode(defaults, {})).toBe('online');
    expect(resolveMode(defaults, { WANDB_MODE: 'dryrun' })).toBe('offline');
    expect(resolveMode(defaults, { WANDB_MODE: 'disabled' })).toBe('disabled');
    expect(resolveMode(parseOptions({ mode: 'online' }), { WANDB_MODE: 'offline' })).toBe('online');
    expect(resolveBaseUrl(defaults, {})).toBe('https://api.wandb.ai');
    expect(resolveBaseUrl(defaults, { WANDB_BASE_URL: 'http://127.0.0.1:8080/' })).toBe('http://127.0.0.1:8080');
  });

  it('fills option defaults', () => {
    expect(parseOptions({})).toEqual({
      group: 'run',
      tags: [],
      artifacts: 'upload',
      flushIntervalMs: 2000,
      timeoutMs: 30000,
      retry: { attempts: 6, minDelayMs: 500, maxDelayMs: 30000, unansweredAttempts: 2 },
      maxLinesPerRequest: 1000,
    });
  });
});
