import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTracker, readFileTracker } from '../src/index.js';
import { pluginOptionsError, rejection, useTempDir } from '@aeroml/test-utils';
import { actionInfo, runInfo } from './helpers.js';

const tmp = useTempDir('aero-tracker-file-');

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
    expect(e.plugin).toBe('@aeroml/tracker-file');
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

  it('FILE_TRACKER_WRITE_FAILED names the event log and the event; the instance is started again by its next call', async () => {
    const runDir = tmp.path('log-blocked');
    const t = fileTracker();
    await t.startRun(runInfo(runDir));
    const log = join(runDir, 'actions.jsonl');
    await mkdir(log);
    const e = await rejection(t.startAction(actionInfo(runDir, 'train')));
    expect(e.code).toBe('FILE_TRACKER_WRITE_FAILED');
    expect(e.message).toMatch(new RegExp(`^file tracker: cannot write ${log.replace(/[[\]]/g, '\\$&')} \\(start of train\\): EISDIR`));
    await rm(log, { recursive: true });
    await t.logArtifact({ runId: 'r1', instanceId: 'train' }, { name: 'a.b', digest: 'd', handler: 'json', files: [], manifestKey: 'k' }, 'output');
    await t.close();
    const back = await readFileTracker(runDir);
    expect(back.actions.train).toMatchObject({ status: 'running', record: { action: 'train', cacheKey: '' }, artifacts: [{ name: 'a.b', digest: 'd' }] });
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

  it('a torn last line of actions.jsonl is skipped with a warning; the lines before it are folded', async () => {
    const runDir = tmp.path('torn-log');
    await smallRun(runDir);
    const log = join(runDir, 'actions.jsonl');
    await appendFile(log, '{"event":"end","instanceId":"train","sta');
    const back = await readFileTracker(runDir);
    expect(back.warnings).toEqual([`${log}:3`]);
    expect(back.actions.train).toMatchObject({ status: 'running', metrics: [{ value: 1 }, { value: 0.5 }] });
  });

  it('FILE_TRACKER_CORRUPT for a line of actions.jsonl that is JSON but not an event', async () => {
    const runDir = tmp.path('not-event');
    await smallRun(runDir);
    const log = join(runDir, 'actions.jsonl');
    await appendFile(log, '{"event":"launch","instanceId":"train"}\n');
    let e = await rejection(readFileTracker(runDir));
    expect(e.code).toBe('FILE_TRACKER_CORRUPT');
    expect(e.message).toBe(`file tracker: ${log} line 3 is not a file tracker event: unknown \`event\` "launch".`);
    expect(e.hint).toMatch(/fix or delete that line/);
    await writeFile(log, '[1,2]\n');
    e = await rejection(readFileTracker(runDir));
    expect(e.message).toBe(`file tracker: ${log} line 1 is not a file tracker event: not an object.`);
    await writeFile(log, '{"event":"start"}\n');
    e = await rejection(readFileTracker(runDir));
    expect(e.message).toBe(`file tracker: ${log} line 1 is not a file tracker event: no \`instanceId\`.`);
  });

  it('FILE_TRACKER_SCHEMA_UNSUPPORTED for a run written in the old one-folder-per-instance format', async () => {
    const runDir = tmp.path('schema1');
    await smallRun(runDir);
    const info = JSON.parse(await readFile(join(runDir, 'tracker.json'), 'utf8'));
    await writeFile(join(runDir, 'tracker.json'), JSON.stringify({ ...info, schema: 1 }));
    const e = await rejection(readFileTracker(runDir));
    expect(e.code).toBe('FILE_TRACKER_SCHEMA_UNSUPPORTED');
    expect(e.plugin).toBe('@aeroml/tracker-file');
    expect(e.message).toBe(`file tracker: ${runDir} was recorded in format 1 (\`schema\` in tracker.json); this version of @aeroml/tracker-file reads format 2.`);
    expect(e.hint).toMatch(/read it with the version that wrote it, or run the pipeline again/);
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
    const e = pluginOptionsError(() => fileTracker({ fsync: 'always', dir: 'x' } as never), '@aeroml/tracker-file');
    expect(e.message.split('\n')).toEqual(['Invalid options for fileTracker():', '  - `fsync`: expected boolean, received string', '  - `dir`: unknown option.']);
  });

  it('PLUGIN_OPTIONS_INVALID for the removed `cachedActionFiles` option (instances have no folders to give)', () => {
    const e = pluginOptionsError(() => fileTracker({ cachedActionFiles: true } as never), '@aeroml/tracker-file');
    expect(e.message.split('\n')).toEqual(['Invalid options for fileTracker():', '  - `cachedActionFiles`: unknown option.']);
    expect(e.hint).toMatch(/@aeroml\/tracker-file README/);
  });
});
