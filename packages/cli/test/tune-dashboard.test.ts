import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { aero, copyQuickstart, startAero, waitFor } from './helpers.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** tools/optuna/start.sh's venv (optuna, and optuna-dashboard for this test). */
function optunaPython(): string {
  execFileSync('bash', [join(REPO, 'tools/optuna/start.sh')], { stdio: 'ignore', timeout: 15 * 60_000 });
  return /^AERO_OPTUNA_PYTHON=(.+)$/m.exec(readFileSync(join(REPO, '.tools/optuna.env'), 'utf8'))![1]!.trim();
}

/** A free loopback port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe('aero tune show: the optuna-dashboard command it prints', () => {
  let python: string;
  beforeAll(() => {
    python = optunaPython();
  }, 900_000);

  it('opens the study aero wrote: the dashboard lists it with every trial', { timeout: 300_000 }, async () => {
    const dir = await copyQuickstart();
    const tune = await startAero(dir, ['tune', 'train.lr=tag(log, interval(0.01, 2))', 'train.epochs=20', '--objective', 'evaluate.accuracy', '--direction', 'maximize', '--trials', '3', '--sampler', 'tpe', '--seed', '3', '--study', 'dash'], { AERO_OPTUNA_PYTHON: python }).result;
    expect(tune.code).toBe(0);
    const show = await aero(dir, 'tune', 'show', '--study', 'dash');
    const command = /^Dashboard: (.+)$/m.exec(show.stdout)?.[1];
    expect(command).toBe('optuna-dashboard .aero/tune/dash/optuna-journal.log');
    // The printed command as it is, with the venv's optuna-dashboard and a free port added.
    const [program, ...args] = command!.split(' ');
    const port = await freePort();
    const dashboard = spawn(join(dirname(python), program!), [...args, '--host', '127.0.0.1', '--port', String(port)], { cwd: dir, stdio: 'ignore' });
    try {
      const api = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).json() as Promise<Record<string, any>>;
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/studies`).catch(() => undefined))?.ok === true, 'optuna-dashboard', 60_000);
      const { study_summaries: studies } = await api('/api/studies');
      expect(studies.map((s: { study_name: string; directions: string[] }) => [s.study_name, s.directions])).toEqual([['dash', ['maximize']]]);
      const study = await api(`/api/studies/${studies[0].study_id}`);
      expect(study.trials.map((t: { state: string }) => t.state)).toEqual(['Complete', 'Complete', 'Complete']);
      expect(study.trials.every((t: { params: Array<{ name: string }> }) => t.params.some((p) => p.name === 'train.lr'))).toBe(true);
    } finally {
      dashboard.kill();
    }
  });
});
