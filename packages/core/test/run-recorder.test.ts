import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineAction, plan, type RunRecord } from '../src/index.js';
import { RunRecorder } from '../src/run/recorder.js';
import { emptyCounts } from '../src/runs.js';
import { dirStore } from './dir-store.js';
import { jsonHandler, memoryStore } from './fixtures.js';

const record = (): RunRecord => ({
  schema: 1, id: 'r1', name: 'r1', project: 'p', status: 'running', startedAt: new Date().toISOString(),
  git: { commit: null, dirty: false, branch: null }, params: {}, overrides: [], launcher: 'inline', dev: false,
  host: 'h', pid: process.pid, counts: emptyCounts(), actions: [],
});
const inst = plan([defineAction({ name: 'train', outputs: { m: { handler: 'json' } }, run() {} })], { params: {}, handlers: new Map([['json', jsonHandler()]]) }).instances[0]!;
const entry = { id: 'train', action: 'train', status: 'ran' as const };

describe('run/recorder: RunRecorder', () => {
  it('writes run.json, and nothing per instance that has nothing to add to its entry', async () => {
    const store = memoryStore();
    const recorder = new RunRecorder(store, record(), '/');
    await recorder.writeRecord();
    await recorder.persistInstance(inst, entry, 'ran', Date.now());
    expect([...store.data.keys()]).toEqual(['runs/r1/run.json']);
  });

  it('writes record.json and log.txt of an instance that logged', async () => {
    const store = memoryStore();
    const recorder = new RunRecorder(store, record(), '/');
    recorder.appendLog('train', 'epoch 1');
    recorder.appendLog('train', '[stderr] warn');
    await recorder.persistInstance(inst, entry, 'ran', Date.now());
    expect(store.data.get('runs/r1/train/log.txt')!.toString()).toBe('epoch 1\n[stderr] warn\n');
    expect(JSON.parse(store.data.get('runs/r1/train/record.json')!.toString())).toMatchObject({ id: 'train', status: 'ran', params: {} });
  });

  it('puts a failure in the log and points the error at it, relative to the project', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-recorder-'));
    const store = dirStore(join(cwd, '.aero'));
    const recorder = new RunRecorder(store, record(), cwd);
    const error = recorder.reportFailure(inst, { code: 'ACTION_FAILED', message: 'boom', stack: 'Error: boom\n    at run (train.ts:3:9)' });
    expect(error).toEqual({ code: 'ACTION_FAILED', message: 'boom', hint: `The log is ${join('.aero', 'runs', 'r1', 'train', 'log.txt')}; print it with \`aero logs r1 train\`.` });
    await recorder.persistInstance(inst, entry, 'failed', Date.now(), error);
    expect(Buffer.from((await store.getBytes('runs/r1/train/log.txt'))!).toString()).toContain('at run (train.ts:3:9)');
  });
});
