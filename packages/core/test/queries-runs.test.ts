import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineConfig, type RunRecord } from '../src/index.js';
import { findEntry, getRun, listRuns } from '../src/queries/runs.js';
import { emptyCounts, thisHost } from '../src/runs.js';
import { memoryStore } from './fixtures.js';

/** A pid no process has: a child that already exited. */
const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;

const run = (id: string, startedAt: string, extra: Partial<RunRecord> = {}): RunRecord => ({
  schema: 1, id, name: id, project: 'p', status: 'succeeded', startedAt, git: { commit: null, dirty: false, branch: null },
  params: {}, overrides: [], launcher: 'inline', dev: false, host: thisHost, pid: process.pid, counts: emptyCounts(),
  actions: [{ id: 'sq[i=0]', action: 'sq', status: 'ran' }, { id: 'sq[i=1]', action: 'sq', status: 'ran' }, { id: 'total', action: 'total', status: 'ran' }],
  ...extra,
});

async function project(records: RunRecord[]) {
  const store = memoryStore();
  for (const r of records) await store.put(`runs/${r.id}/run.json`, JSON.stringify(r));
  await store.put('runs/20260101-000000-aaaaaa/sq_i=0_/record.json', '{}'); // not a run record
  return createAero({ cwd: await mkdtemp(join(tmpdir(), 'aero-q-')), config: defineConfig({ actions: [], plugins: [store] }) });
}

describe('queries/runs', () => {
  const old = run('20260101-000000-aaaaaa', '2026-01-01T00:00:00.000Z', { name: 'baseline' });
  const crashed = run('20260102-000000-bbbbbb', '2026-01-02T00:00:00.000Z', { status: 'running', pid: deadPid });
  const newest = run('20260103-000000-cccccc', '2026-01-03T00:00:00.000Z');

  it('lists run records newest first, a running run whose process is gone as interrupted', async () => {
    const aero = await project([old, newest, crashed]);
    expect((await listRuns(aero)).map((r) => [r.id, r.status])).toEqual([
      [newest.id, 'succeeded'],
      [crashed.id, 'interrupted'],
      [old.id, 'succeeded'],
    ]);
  });

  it('finds a run by id, name, unique prefix or latest, and says what to do otherwise', async () => {
    const aero = await project([old, newest, crashed]);
    expect((await getRun(aero, 'latest')).id).toBe(newest.id);
    expect((await getRun(aero, 'baseline')).id).toBe(old.id);
    expect((await getRun(aero, '20260102')).id).toBe(crashed.id);
    await expect(getRun(aero, '2027')).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
      message: 'No run matches `2027`.',
      hint: 'List runs with `aero ps`; use a run id, a unique prefix of one, or `latest`.',
    });
    await expect(getRun(await project([]), 'latest')).rejects.toMatchObject({ message: 'No run matches `latest` (there are no runs yet).' });
  });

  it('a prefix several run ids start with is RUN_AMBIGUOUS, naming the newest matches (with their names), not RUN_NOT_FOUND', async () => {
    const aero = await project([old, newest, crashed]);
    const error = await getRun(aero, '2026').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'RUN_AMBIGUOUS',
      exit: 2,
      message: '`2026` matches several runs: 20260103-000000-cccccc, 20260102-000000-bbbbbb, 20260101-000000-aaaaaa (baseline).',
      hint: "Give more characters of the run id (`aero ps` lists the runs), the run's name (given with `aero run --name NAME`) or `latest`.",
      details: { matches: [newest.id, crashed.id, old.id] },
    });
    // More characters make it unique again; beyond five matches the rest are counted.
    expect((await getRun(aero, '20260101')).id).toBe(old.id);
    await expect(getRun(aero, '20260102')).resolves.toMatchObject({ id: crashed.id });
    const many = Array.from({ length: 7 }, (_, i) => run(`2026020${i}-000000-dddddd`, `2026-02-0${i + 1}T00:00:00.000Z`));
    await expect(getRun(await project(many), '202602')).rejects.toMatchObject({
      code: 'RUN_AMBIGUOUS',
      message: '`202602` matches several runs: 20260206-000000-dddddd, 20260205-000000-dddddd, 20260204-000000-dddddd, 20260203-000000-dddddd, 20260202-000000-dddddd and 2 more.',
    });
  });

  it('an id wins over a newer run named like it; a record that is no run record is skipped', async () => {
    const impostor = run('20260104-000000-dddddd', '2026-01-04T00:00:00.000Z', { name: old.id });
    const aero = await project([old, newest, impostor]);
    expect((await getRun(aero, old.id)).id).toBe(old.id);
    const store = aero.plugins.store;
    await store.put('runs/20260105-000000-eeeeee/run.json', JSON.stringify({ id: 'x', actions: 'not a list' }));
    await store.put('runs/20260106-000000-ffffff/run.json', '[1, 2]');
    expect((await listRuns(aero)).map((r) => r.id)).toEqual([impostor.id, newest.id, old.id]);
  });

  it('finds an entry by instance id or by an action with one instance', () => {
    expect(findEntry(old, 'total').id).toBe('total');
    expect(findEntry(old, 'sq[i=1]').id).toBe('sq[i=1]');
    expect(() => findEntry(old, 'sq')).toThrow('`sq` has 2 instances in run 20260101-000000-aaaaaa; name one, e.g. `sq[i=0]`.');
    expect(() => findEntry(old, 'nope')).toThrow('Run 20260101-000000-aaaaaa has no action `nope`.');
  });
});
