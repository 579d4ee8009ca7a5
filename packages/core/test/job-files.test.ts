import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendLogTail, failedJobResult, FileTail, JobEventTail, jobFilePaths, readJobResult, type JobResult } from '../src/index.js';

const jobDir = () => mkdtemp(join(tmpdir(), 'aero-job-files-'));

describe('jobFilePaths', () => {
  it('names the three protocol files inside the job directory', () => {
    expect(jobFilePaths('/runs/r1/train')).toEqual({ spec: '/runs/r1/train/job.json', events: '/runs/r1/train/events.jsonl', result: '/runs/r1/train/result.json' });
  });
});

describe('readJobResult', () => {
  const ok: JobResult = { jobId: 'r1:train:0', ok: true, outputs: { model: 'sha256:ab' }, startedAt: '2026-11-22T00:00:00.000Z', finishedAt: '2026-11-22T00:00:01.000Z' };

  it('returns the result the worker wrote for this job', async () => {
    const dir = await jobDir();
    await writeFile(join(dir, 'result.json'), JSON.stringify(ok));
    expect(await readJobResult(dir, ok.jobId)).toEqual(ok);
  });

  it('returns a failed result too', async () => {
    const dir = await jobDir();
    const failed = { ...ok, ok: false, outputs: {}, error: { code: 'ACTION_FAILED', message: 'boom' } };
    await writeFile(join(dir, 'result.json'), JSON.stringify(failed));
    expect(await readJobResult(dir, ok.jobId)).toEqual(failed);
  });

  it('is undefined when there is no result, it is not JSON, has no boolean ok, or belongs to another job', async () => {
    const dir = await jobDir();
    expect(await readJobResult(dir, ok.jobId)).toBeUndefined();
    for (const text of ['{"jobId":"r1:train:0","ok":tr', 'null', JSON.stringify({ ...ok, ok: 'yes' }), JSON.stringify({ ...ok, jobId: 'r0:train:0' })]) {
      await writeFile(join(dir, 'result.json'), text);
      expect(await readJobResult(dir, ok.jobId), text).toBeUndefined();
    }
  });
});

describe('FileTail', () => {
  it('returns the lines appended since the last read and keeps an unfinished line for later', async () => {
    const path = join(await jobDir(), 'out.log');
    const tail = new FileTail(path);
    expect(await tail.read()).toEqual([]); // no file yet
    await writeFile(path, 'one\ntw');
    expect(await tail.read()).toEqual(['one']);
    expect(await tail.read()).toEqual([]);
    await appendFile(path, 'o\nthree\n');
    expect(await tail.read()).toEqual(['two', 'three']);
    await appendFile(path, 'four');
    expect(await tail.read()).toEqual([]);
    expect(await tail.read(true)).toEqual(['four']);
    expect(await tail.read(true)).toEqual([]);
  });

  /** A change to the file (write or append some text), then the lines the next read returns. */
  type Step = [change: (path: string, text: string) => Promise<void>, text: string, lines: string[]];
  it.each<[string, Step[]]>([
    ['keeps non-ASCII text intact across reads', [[writeFile, 'Ω-first\nsec', ['Ω-first']], [appendFile, 'ond Ω\n', ['second Ω']]]],
    ['starts again from the beginning when the file shrank (rewritten)', [[writeFile, 'a long first line\n', ['a long first line']], [writeFile, 'new\n', ['new']]]],
  ])('%s', async (_name, steps) => {
    const path = join(await jobDir(), 'out.log');
    const tail = new FileTail(path);
    for (const [change, text, lines] of steps) {
      await change(path, text);
      expect(await tail.read()).toEqual(lines);
    }
  });
});

describe('JobEventTail', () => {
  it('returns new events tagged with the job id, without job:started, job:finished, blank or broken lines', async () => {
    const dir = await jobDir();
    const events = new JobEventTail(dir, 'r1:train:0');
    expect(await events.read()).toEqual([]);
    const lines = [
      { type: 'job:started', jobId: 'x' },
      { type: 'job:log', jobId: 'x', stream: 'stdout', line: 'hello' },
      '',
      'not json',
      { noType: true },
      { type: 'job:metrics', points: [{ name: 'loss', value: 0.5, step: 1, timestamp: 1 }] },
      { type: 'job:finished', jobId: 'x', result: {} },
    ];
    await writeFile(jobFilePaths(dir).events, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    expect(await events.read()).toEqual([
      { type: 'job:log', jobId: 'r1:train:0', stream: 'stdout', line: 'hello' },
      { type: 'job:metrics', jobId: 'r1:train:0', points: [{ name: 'loss', value: 0.5, step: 1, timestamp: 1 }] },
    ]);
    expect(await events.read()).toEqual([]);
  });

  it('waits for a line being written unless it is the final read', async () => {
    const dir = await jobDir();
    const events = new JobEventTail(dir, 'j');
    await writeFile(jobFilePaths(dir).events, '{"type":"job:status","state":"RUN');
    expect(await events.read()).toEqual([]);
    await appendFile(jobFilePaths(dir).events, 'NING"}');
    expect(await events.read(true)).toEqual([{ type: 'job:status', jobId: 'j', state: 'RUNNING' }]);
  });
});

describe('failedJobResult and appendLogTail', () => {
  it('builds an ok:false result with no outputs, finished now', () => {
    const before = Date.now();
    const result = failedJobResult('r1:train:0', '2026-11-22T00:00:00.000Z', { code: 'LAUNCHER_FAILED', message: 'gone', hint: 'look' });
    expect(result).toEqual({ jobId: 'r1:train:0', ok: false, outputs: {}, startedAt: '2026-11-22T00:00:00.000Z', finishedAt: expect.any(String), error: { code: 'LAUNCHER_FAILED', message: 'gone', hint: 'look' } });
    expect(Date.parse(result.finishedAt)).toBeGreaterThanOrEqual(before - 1);
  });

  it('appends the last lines of output under an optional heading, and nothing when there are none', () => {
    expect(appendLogTail('It died.', [])).toBe('It died.');
    expect(appendLogTail('It died.', ['a', 'b'])).toBe('It died.\na\nb');
    expect(appendLogTail('It died.', ['a', 'b'], 'Last lines of its output:')).toBe('It died.\nLast lines of its output:\na\nb');
  });
});
