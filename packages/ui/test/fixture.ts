import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAero, writeProject, type AeroCliResult } from '@aeroml/test-utils';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(REPO, 'packages/cli/dist/bin.js');
/** Test projects live inside the repo so `@aeroml/core` and `zod` resolve from its node_modules. */
const ROOT = join(REPO, 'packages/ui/.test-projects');

export const XSS = '<img src=x onerror=alert(1)>';

/**
 * A small real pipeline: prepare → train (logs 300 loss/accuracy points) → evaluate, and
 * `flaky` → `publish`, which fails on demand (so a run has failed and skipped instances).
 * Outputs are CSV, JSON and text, for the artifact previews.
 */
export const PIPELINE = `import { defineAction, defineConfig } from '@aeroml/core';
import { z } from 'zod';

const prepare = defineAction({
  name: 'prepare',
  params: z.object({ rows: z.number().int().default(20), sleepMs: z.number().int().default(0) }),
  outputs: { table: { handler: 'csv' }, notes: { handler: 'text' } },
  async run({ params, outputs, log }) {
    log.info('preparing ' + params.rows + ' rows');
    if (params.sleepMs) await new Promise((resolve) => setTimeout(resolve, params.sleepMs));
    await outputs.table.write(Array.from({ length: params.rows }, (_, i) => ({ x: i, y: i * i, label: i % 2 ? 'odd' : 'even' })));
    await outputs.notes.write('rows are x, x squared and a label\\n');
  },
});

const train = defineAction({
  name: 'train',
  group: 'model',
  params: z.object({ lr: z.number().positive().default(0.1), epochs: z.number().int().default(300), note: z.string().default('') }),
  inputs: { table: prepare.output('table') },
  outputs: { model: { handler: 'json' } },
  async run({ params, inputs, outputs, log }) {
    const rows = await inputs.table.read();
    let loss = 1;
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      loss = loss * (1 - params.lr / 10) + 0.001 * Math.sin(epoch);
      log.metrics({ loss, accuracy: 1 - loss / 2 }, epoch);
    }
    log.info('note: ' + params.note);
    await outputs.model.write({ weights: [params.lr, loss], rows: rows.length, note: params.note });
  },
});

const evaluate = defineAction({
  name: 'evaluate',
  inputs: { model: train.output('model') },
  outputs: { score: { handler: 'json' } },
  async run({ inputs, outputs, log }) {
    const model = await inputs.model.read();
    log.metric('score', 1 - model.weights[1]);
    await outputs.score.write({ score: 1 - model.weights[1] });
  },
});

const flaky = defineAction({
  name: 'flaky',
  params: z.object({ fail: z.boolean().default(false) }),
  inputs: { table: prepare.output('table') },
  outputs: { out: { handler: 'json' } },
  async run({ params, outputs, log }) {
    log.info('flaky starts');
    if (params.fail) throw new Error('flaky failed on purpose');
    await outputs.out.write({ ok: true });
  },
});

const publish = defineAction({
  name: 'publish',
  inputs: { out: flaky.output('out'), score: evaluate.output('score') },
  outputs: { done: { handler: 'text' } },
  async run({ outputs }) { await outputs.done.write('published\\n'); },
});

export default defineConfig({ project: 'ui-fixture', actions: [prepare, train, evaluate, flaky, publish] });
`;

export function makeProject(name: string, files: Record<string, string>): Promise<string> {
  return writeProject(ROOT, name, files);
}

export function aero(cwd: string, ...args: string[]): Promise<AeroCliResult> {
  return runAero(CLI, cwd, args);
}

/** The fixture store: a run with the XSS payload as a param, a failing run, and a two-trial sweep. */
export async function fixtureStore(name = 'ui'): Promise<string> {
  const dir = await makeProject(name, { 'aero.config.ts': PIPELINE });
  const first = await aero(dir, 'run', '--name', 'baseline', `train.note='${XSS}'`);
  if (first.code !== 0) throw new Error(`fixture run failed: ${first.stderr}`);
  // --keep-going: without it, whether evaluate starts before flaky's failure stops the run
  // is a race (train and flaky run side by side), so the broken run's statuses would vary.
  const second = await aero(dir, 'run', '--name', 'broken', '--keep-going', 'train.lr=0.3', 'flaky.fail=true');
  if (second.code !== 1) throw new Error(`fixture run 2 should fail (code ${second.code}): ${second.stderr}`);
  const sweep = await aero(dir, 'run', '-m', 'train.lr=0.05,0.2');
  if (sweep.code !== 0) throw new Error(`fixture sweep failed: ${sweep.stderr}`);
  return dir;
}

/** CHROMIUM_PATH from .tools/chromium.env (tools/chromium/start.sh writes it; `npm test` runs it). */
export async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const env = await readFile(join(REPO, '.tools/chromium.env'), 'utf8').catch(() => {
    throw new Error('No .tools/chromium.env: install the browser with `bash tools/chromium/start.sh` (tools/services.sh up runs it).');
  });
  const m = /^CHROMIUM_PATH=(.+)$/m.exec(env);
  if (!m) throw new Error('.tools/chromium.env has no CHROMIUM_PATH=; rerun `bash tools/chromium/start.sh`.');
  return m[1]!.trim();
}
