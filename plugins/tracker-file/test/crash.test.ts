import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileTracker } from '../src/index.js';
import { requireBuilt, useTempDir } from '@aeroml/test-utils';
import { packageDir } from './helpers.js';

const tmp = useTempDir('aero-tracker-file-');
requireBuilt(packageDir, 'plugins/tracker-file');

describe('a logger killed mid-run', () => {
  it('loses no batch whose logMetrics call had resolved, and the files stay readable', async () => {
    const runDir = tmp.path('crash');
    const child = spawn(process.execPath, [join(packageDir, 'test', 'fixtures', 'busy-logger.mjs'), runDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        // Kill it once a good number of batches are acknowledged.
        if (out.split('\n').length > 40) resolve();
      });
      child.on('exit', () => reject(new Error(`logger exited on its own: ${err}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const acked = out.split('\n').filter(Boolean).map(Number);
    const lastAcked = acked[acked.length - 1]!;
    const back = await readFileTracker(runDir);
    const loss = back.actions.train!.metrics;
    // Every acknowledged batch is there, whole, in step order; at most part of one more.
    expect(loss.length).toBeGreaterThanOrEqual((lastAcked + 1) * 100);
    expect(loss.slice(0, (lastAcked + 1) * 100).map((p) => p.step)).toEqual(Array.from({ length: (lastAcked + 1) * 100 }, (_, i) => i));
    expect(back.actions.train!.params).toEqual({ lr: 1 });
    expect(back.actions.train!.status).toBe('running');
    expect(back.run.status).toBe('running');
  });
});
