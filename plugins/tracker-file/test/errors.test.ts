import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTracker, readFileTracker } from '../src/index.js';
import { actionInfo, rejection, runInfo, useTempDir } from './helpers.js';

const tmp = useTempDir();

async function smallRun(runDir: string) {
  const t = fileTracker();
  await t.startRun(runInfo(runDir));
  await t.startAction(actionInfo(runDir, 'train'));
  await t.logMetrics({ runId: 'r1', instanceId: 'train' }, [
    { name: 'loss', value: 1, step: 0, timestamp: 1 },
    { name: 'loss', value: 0.5, step: 1, timestamp: 2 },
  ]);
  await t.close();
}

describe('errors', () => {
  it('FILE_TRACKER_RUN_NOT_STARTED for a call about an unknown run', async () => {
    const t = fileTracker();
    const e = await rejection(t.logMetrics({ runId: 'ghost', instanceId: 'x' }, []));
    expect(e.code).toBe('FILE_TRACKER_RUN_NOT_STARTED');
    expect(e.plugin).toBe('@aero/tracker-file');
    expect(e.message).toBe('file tracker: logMetrics for run `ghost`, which was never started with startRun.');
    expect(e.hint).toMatch(/startRun/);
    expect((await rejection(t.startAction(actionInfo('/x', 'a', { runId: 'ghost' })))).message).toBe('file tracker: startAction for run `ghost`, which was never started with startRun.');
  });

  it('FILE_TRACKER_WRITE_FAILED names the file it could not write', async () => {
    await writeFile(tmp.path('a-file'), 'x');
    const runDir = join(tmp.path('a-file'), 'runs', 'r1');
    const e = await rejection(fileTracker().startRun(runInfo(runDir)));
    expect(e.code).toBe('FILE_TRACKER_WRITE_FAILED');
    expect(e.message).toMatch(new RegExp(`^file tracker: cannot write ${join(runDir, 'tracker.json').replace(/[[\]]/g, '\\$&')} \\(run status\\): ENOTDIR`));
    expect(e.hint).toMatch(/disk is not full/);
  });

  it('FILE_TRACKER_RUN_NOT_FOUND when the folder holds no run', async () => {
    await mkdir(tmp.path('empty'), { recursive: true });
    const e = await rejection(readFileTracker(tmp.path('empty')));
    expect(e.code).toBe('FILE_TRACKER_RUN_NOT_FOUND');
    expect(e.message).toBe(`file tracker: no run recorded in ${tmp.path('empty')} (tracker.json is missing).`);
    expect(e.hint).toMatch(/aero ps/);
  });

  it('a torn last line (killed mid-append) is skipped with a warning; a bad line in the middle is FILE_TRACKER_CORRUPT', async () => {
    const runDir = tmp.path('torn');
    await smallRun(runDir);
    const metrics = join(runDir, 'train', 'metrics.jsonl');
    await appendFile(metrics, '{"name":"loss","val');
    const back = await readFileTracker(runDir);
    expect(back.actions.train!.metrics).toHaveLength(2);
    expect(back.warnings).toEqual([`${metrics}:3`]);
    await appendFile(metrics, '\n{"name":"loss","value":0.1,"step":3,"timestamp":4}\n');
    const e = await rejection(readFileTracker(runDir));
    expect(e.code).toBe('FILE_TRACKER_CORRUPT');
    expect(e.message).toMatch(new RegExp(`^file tracker: ${metrics.replace(/[[\]]/g, '\\$&')} line 3 is not valid JSON: `));
    expect(e.details).toMatchObject({ line: 3 });
  });

  it('FILE_TRACKER_CORRUPT for a JSON file that does not parse', async () => {
    const runDir = tmp.path('badjson');
    await smallRun(runDir);
    await writeFile(join(runDir, 'params.json'), '{"a":');
    const e = await rejection(readFileTracker(runDir));
    expect(e.code).toBe('FILE_TRACKER_CORRUPT');
    expect(e.message).toMatch(new RegExp(`^file tracker: ${join(runDir, 'params.json')} is not valid JSON: `));
  });

  it('PLUGIN_OPTIONS_INVALID lists every problem with its dot path', () => {
    let e: any;
    try {
      fileTracker({ fsync: 'always', dir: 'x' } as never);
    } catch (error) {
      e = error;
    }
    expect(e.code).toBe('PLUGIN_OPTIONS_INVALID');
    expect(e.plugin).toBe('@aero/tracker-file');
    expect(e.message.split('\n')).toEqual([
      'Invalid options for fileTracker():',
      '  - fileTracker: `fsync`: Invalid input: expected boolean, received string',
      '  - fileTracker: `dir`: unknown option',
    ]);
  });
});
