import { readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aero, copyQuickstart, makeProject, readJson, startAero, statuses, waitFor } from './helpers.js';

/** fast → slow (waits for a marker file or its signal) → after; plus an independent branch. */
const SLOW_PIPELINE = `import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineAction, defineConfig } from '@aeroml/core';
const fast = defineAction({ name: 'fast', outputs: { o: { handler: 'text' } }, async run({ outputs }) { await outputs.o.write('fast'); } });
const slow = defineAction({
  name: 'slow', inputs: { i: fast.output('o') }, outputs: { o: { handler: 'text' } },
  async run({ inputs, outputs, cwd, signal, log }) {
    log.info('slow started');
    while (!existsSync(join(cwd, 'go'))) {
      if (signal.aborted) throw new Error('aborted');
      await new Promise((r) => setTimeout(r, 20));
    }
    await outputs.o.write((await inputs.i.read()) + '+slow');
  },
});
const after = defineAction({ name: 'after', inputs: { i: slow.output('o') }, outputs: { o: { handler: 'text' } }, async run({ inputs, outputs }) { await outputs.o.write((await inputs.i.read()) + '+after'); } });
const fail = defineAction({ name: 'fail', run() { throw new Error('deliberate failure'); } });
const other = defineAction({ name: 'other', outputs: { o: { handler: 'json' } }, async run({ outputs }) { await new Promise((r) => setTimeout(r, 200)); await outputs.o.write({ ok: true }); } });
export default defineConfig({ actions: process.env.WITH_FAIL ? [fast, slow, after, fail, other] : [fast, slow, after] });
`;

describe('engine behaviour through the CLI', () => {
  it('Ctrl-C mid-run stops cleanly (exit 130), records the run as interrupted, and the rerun resumes', async () => {
    const dir = await makeProject('interrupt', { 'aero.config.ts': SLOW_PIPELINE });
    const run = startAero(dir, ['run']);
    await waitFor(() => run.output().includes('slow | slow started'), 'the slow action to start');
    run.child.kill('SIGINT');
    const r = await run.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('[aero] Interrupted: cancelling running actions');
    expect(statuses(r.stdout)).toEqual({ fast: 'ran', slow: 'interrupted', after: 'skipped' });
    const [runId] = await readdir(join(dir, '.aero/runs'));
    const record = await readJson(join(dir, '.aero/runs', runId!, 'run.json'));
    expect(record.status).toBe('interrupted');
    await writeFile(join(dir, 'go'), '');
    const resumed = await aero(dir, 'run');
    expect(resumed.code).toBe(0);
    expect(statuses(resumed.stdout)).toEqual({ fast: 'cached', slow: 'ran', after: 'ran' });
  });

  it('a failure stops new work; --keep-going continues independent branches; exit code 1', async () => {
    const dir = await makeProject('failing', { 'aero.config.ts': SLOW_PIPELINE, go: '' });
    const stop = startAero(dir, ['run', '-j', '1'], { WITH_FAIL: '1' });
    const r = await stop.result;
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Action `fail` threw: deliberate failure");
    const s = statuses(r.stdout);
    expect(s.fail).toBe('failed');
    expect(Object.values(s)).toContain('skipped');
    const keep = await startAero(dir, ['run', '-j', '1', '--keep-going'], { WITH_FAIL: '1' }).result;
    expect(keep.code).toBe(1);
    const k = statuses(keep.stdout);
    expect(k.fail).toBe('failed');
    expect([k.fast, k.slow, k.after, k.other].every((x) => x === 'ran' || x === 'cached')).toBe(true);
  });

  it('two aero runs on the same project at once both succeed and agree on every digest', async () => {
    const dir = await copyQuickstart();
    const [a, b] = await Promise.all([aero(dir, 'run'), aero(dir, 'run')]);
    expect(a.stderr + b.stderr).toBe('');
    expect([a.code, b.code]).toEqual([0, 0]);
    const runs = await readdir(join(dir, '.aero/runs'));
    expect(runs).toHaveLength(2);
    const outputs = await Promise.all(runs.map(async (id) => (await readJson(join(dir, '.aero/runs', id, 'run.json'))).actions.map((x: { outputs: unknown }) => x.outputs)));
    expect(outputs[0]).toEqual(outputs[1]);
    const third = await aero(dir, 'run');
    expect(Object.values(statuses(third.stdout))).toEqual(['cached', 'cached', 'cached', 'cached']);
  });

  it('the process launcher produces the same artifact digests as the inline launcher', async () => {
    const inline = await copyQuickstart();
    const proc = await copyQuickstart();
    expect((await aero(inline, 'run')).code).toBe(0);
    const r = await aero(proc, 'run', '--launcher', 'process');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}ingest \| kept 342 of 344 rows$/m);
    const digests = async (dir: string) => (await aero(dir, 'show', '--json').then((x) => JSON.parse(x.stdout))).actions.map((a: { outputs: unknown }) => a.outputs);
    expect(await digests(proc)).toEqual(await digests(inline));
    expect(existsSync(join(proc, '.aero/runs'))).toBe(true);
  });

  it('a run record carries the git commit and the dirty flag', async () => {
    const dir = await makeProject('git', { 'aero.config.ts': SLOW_PIPELINE, go: '' });
    const { execFileSync } = await import('node:child_process');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).toString().trim();
    git('init', '-q');
    git('add', 'aero.config.ts');
    git('commit', '-qm', 'init');
    const commit = git('rev-parse', 'HEAD');
    await aero(dir, 'run');
    let show = JSON.parse((await aero(dir, 'show', '--json')).stdout);
    expect(show.git).toMatchObject({ commit, dirty: false });
    await writeFile(join(dir, 'aero.config.ts'), (await readFile(join(dir, 'aero.config.ts'), 'utf8')) + '\n');
    await aero(dir, 'run');
    show = JSON.parse((await aero(dir, 'show', '--json')).stdout);
    expect(show.git).toMatchObject({ commit, dirty: true });
  });
});
