import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Runs the suites against deliberately broken plugins (test/fixtures/broken.fixture.ts)
// in a child vitest and checks that exactly the rule each one breaks is reported.
const here = dirname(fileURLToPath(import.meta.url));
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

interface Assertion {
  ancestorTitles: string[];
  title: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';
}

let results: Assertion[] = [];
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aero-test-utils-'));
  const out = join(dir, 'report.json');
  await new Promise<void>((resolve) => {
    execFile(process.execPath, [vitestBin, 'run', '--config', join(here, 'fixtures', 'vitest.config.ts'), '--reporter=json', `--outputFile=${out}`], { cwd: join(here, '..'), maxBuffer: 64 * 1024 * 1024 }, () => resolve());
  });
  const report = JSON.parse(await readFile(out, 'utf8')) as { testResults: Array<{ assertionResults: Assertion[] }> };
  results = report.testResults.flatMap((f) => f.assertionResults);
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function status(suite: string, titleStart: string): string {
  const hits = results.filter((r) => r.ancestorTitles.some((t) => t.endsWith(`: ${suite}`)) && r.title.startsWith(titleStart));
  if (hits.length === 0) return `no test "${titleStart}" in ${suite}`;
  return hits.every((h) => h.status === hits[0]!.status) ? hits[0]!.status : hits.map((h) => h.status).join(',');
}

describe('the suites catch broken plugins', () => {
  it('describeStore fails a store whose ifAbsent is check-then-write', () => {
    expect(status('racy-ifabsent', 'ifAbsent under a race')).toBe('failed');
    expect(status('racy-ifabsent', 'list yields every key')).toBe('passed');
    expect(status('racy-ifabsent', 'ifAbsent never overwrites')).toBe('passed');
  });

  it('describeStore fails a store that lists directories instead of prefixes', () => {
    expect(status('directory-list', 'list yields every key')).toBe('failed');
    expect(status('directory-list', 'ifAbsent under a race')).toBe('passed');
  });

  it('describeStore fails a store whose writes are visible half-done', () => {
    expect(status('torn-writes', 'put is atomic')).toBe('failed');
    expect(status('torn-writes', 'round-trips Uint8Array')).toBe('passed');
  });

  it('describeTracker fails a tracker that drops metric points', () => {
    expect(status('lossy-tracker', 'records every metric point')).toBe('failed');
    expect(status('lossy-tracker', 'records every param')).toBe('passed');
    expect(status('lossy-tracker', 'records every tag')).toBe('passed');
  });

  it('describeHandler fails a handler whose bytes differ between two writes', () => {
    expect(status('stamped-handler', 'writes the same bytes twice')).toBe('failed');
    expect(status('stamped-handler', 'round-trips sample')).toBe('passed');
  });

  it('describeHandler fails a handler that lets a raw Error escape', () => {
    expect(status('raw-error-handler', 'rejects reading a missing file')).toBe('failed');
    expect(status('raw-error-handler', 'round-trips sample')).toBe('passed');
  });

  it('describeConfigLoader fails a loader whose overrides stick to the next load', () => {
    expect(status('sticky-overrides', 'keeps nothing from one load to the next')).toBe('failed');
    expect(status('sticky-overrides', 'applies overrides')).toBe('passed');
    expect(status('sticky-overrides', 'loads the project without overrides')).toBe('passed');
  });

  it('describeConfigLoader fails a loader that lets a raw parse error escape', () => {
    expect(status('raw-parse-error', 'refuses a file that is not JSON')).toBe('failed');
    expect(status('raw-parse-error', 'refuses a project without config.json')).toBe('passed');
    expect(status('raw-parse-error', 'reports its sources')).toBe('passed');
  });

  it('describeLauncher fails a launcher that drops the worker\'s error message', () => {
    expect(status('mute-errors', 'reports an error thrown in the worker')).toBe('failed');
    expect(status('mute-errors', 'runs a partitioned pipeline')).toBe('passed');
    expect(status('mute-errors', 'reports a worker that dies without a result')).toBe('passed');
  });
});
