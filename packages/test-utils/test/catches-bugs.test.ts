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
  // [test name, broken fixture, the one test of its suite that must fail, tests that must still pass]
  it.each([
    ['describeStore fails a store whose ifAbsent is check-then-write', 'racy-ifabsent', 'ifAbsent under a race', ['list yields every key', 'ifAbsent never overwrites']],
    ['describeStore fails a store that lists directories instead of prefixes', 'directory-list', 'list yields every key', ['ifAbsent under a race']],
    ['describeStore fails a store whose writes are visible half-done', 'torn-writes', 'put is atomic', ['round-trips Uint8Array']],
    ['describeTracker fails a tracker that drops metric points', 'lossy-tracker', 'records every metric point', ['records every param', 'records every tag']],
    ['describeHandler fails a handler whose bytes differ between two writes', 'stamped-handler', 'writes the same bytes twice', ['round-trips sample']],
    ['describeHandler fails a handler that lets a raw Error escape', 'raw-error-handler', 'rejects reading a missing file', ['round-trips sample']],
    ['describeConfigLoader fails a loader whose overrides stick to the next load', 'sticky-overrides', 'keeps nothing from one load to the next', ['applies overrides', 'loads the project without overrides']],
    ['describeConfigLoader fails a loader that lets a raw parse error escape', 'raw-parse-error', 'refuses a file that is not JSON', ['refuses a project without config.json', 'reports its sources']],
    ['describeLauncher fails a launcher that drops the worker\'s error message', 'mute-errors', 'reports an error thrown in the worker', ['runs a partitioned pipeline', 'reports a worker that dies without a result']],
  ])('%s', (_name, fixture, failing, passing) => {
    expect(status(fixture, failing)).toBe('failed');
    for (const test of passing) expect(status(fixture, test)).toBe('passed');
  });
});
