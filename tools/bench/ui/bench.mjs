#!/usr/bin/env node
// aero ui and aero report: first-page latency on a store with 1,000 runs, report size of a 100-action run.
//
//   node tools/bench/ui/bench.mjs [--runs 1000] [--rounds 15] [--actions 100] [--points 200] [--keep]
//
// First page: the 1,000 runs are copies of one real run's run.json under new ids (with a
// different `train.lr` each, so the list has a param that differs), written in the local
// store's layout; a real `aero ui --port 0` then serves them and each round times what a
// browser needs for the first page: GET / (the page), GET /api/runs (every run record read
// and the differing params found); the client bundle is fetched once before (the browser
// caches it). Target: <= 300 ms. Report: a real run of 100 actions in a chain, each logging
// --points loss/accuracy points and writing a JSON output, then `aero report --out`; target
// <= 2 MB. Writes tools/bench/results/ui.json and the `ui` section of docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { run } from '../lib/measure.mjs';
import { benchDir, describeMachine, formatMs, machineMarkdown, markdownTable, median, parseArgs, repoRoot, usageOf, writeDocsSection, writeResults } from '../lib/report.mjs';

const opts = parseArgs(process.argv.slice(2), { runs: 1000, rounds: 15, actions: 100, points: 200, keep: false, help: false });
if (opts.help) {
  process.stdout.write(usageOf(import.meta.url));
  process.exit(0);
}
const CLI = join(repoRoot, 'packages/cli/dist/bin.js');
// Inside the repo so the project resolves @aeroml/core and zod from its node_modules.
const work = join(repoRoot, 'packages/ui/.test-projects/bench');
rmSync(work, { recursive: true, force: true });

const aero = async (cwd, ...args) => {
  const r = await run(process.execPath, [CLI, ...args], { cwd, timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`aero ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r;
};

// --- first page on N runs
const listDir = join(work, 'list');
mkdirSync(listDir, { recursive: true });
writeFileSync(
  join(listDir, 'aero.config.ts'),
  `import { defineAction, defineConfig } from '@aeroml/core';
import { z } from 'zod';
const train = defineAction({ name: 'train', params: z.object({ lr: z.number().default(0.1) }), outputs: { model: { handler: 'json' } },
  async run({ params, outputs, log }) { for (let i = 0; i < 20; i++) log.metric('loss', 1 / (1 + i * params.lr), i); await outputs.model.write({ lr: params.lr }); } });
export default defineConfig({ project: 'bench-ui', actions: [train] });
`,
);
await aero(listDir, 'run');
const runsDir = join(listDir, '.aero/runs');
const [realId] = readdirSync(runsDir);
const template = JSON.parse(readFileSync(join(runsDir, realId, 'run.json'), 'utf8'));
const t0 = Date.parse(template.startedAt);
for (let i = 1; i < opts.runs; i++) {
  const id = `${template.id.slice(0, 16)}-${String(i).padStart(6, '0')}`;
  mkdirSync(join(runsDir, id), { recursive: true });
  const startedAt = new Date(t0 - i * 60_000).toISOString();
  writeFileSync(join(runsDir, id, 'run.json'), JSON.stringify({ ...template, id, name: id, startedAt, params: { train: { lr: 0.001 * i } } }, null, 2));
}

const ui = spawn(process.execPath, [CLI, 'ui', '--port', '0', '--json'], { cwd: listDir, stdio: ['ignore', 'pipe', 'pipe'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  ui.stdout.on('data', (d) => {
    out += d;
    const line = out.split('\n').find((l) => l.includes('ui:listening'));
    if (line) resolve(JSON.parse(line).url);
  });
  ui.on('close', (code) => reject(new Error(`aero ui exited ${code}`)));
});
const timed = async (path) => {
  const start = performance.now();
  const res = await fetch(url + path);
  const body = await res.text();
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return { ms: performance.now() - start, bytes: body.length, body };
};
await timed('assets/app.js');
const firstPage = [];
const listOnly = [];
let listed = 0;
for (let round = 0; round < opts.rounds + 1; round++) {
  const start = performance.now();
  await timed('');
  const list = await timed('api/runs');
  const ms = performance.now() - start;
  listed = JSON.parse(list.body).runs.length;
  if (round > 0) {
    firstPage.push(ms);
    listOnly.push(list.ms);
  }
}
ui.kill('SIGINT');
if (listed !== opts.runs) throw new Error(`expected ${opts.runs} runs listed, got ${listed}`);

// --- report of a 100-action run
const reportDir = join(work, 'report');
mkdirSync(reportDir, { recursive: true });
writeFileSync(
  join(reportDir, 'aero.config.ts'),
  `import { defineAction, defineConfig } from '@aeroml/core';
const actions = [];
for (let i = 0; i < ${opts.actions}; i++) {
  const prev = actions[i - 1];
  actions.push(defineAction({
    name: 'step' + i,
    ...(prev ? { inputs: { prev: prev.output('out') } } : {}),
    outputs: { out: { handler: 'json' } },
    async run({ outputs, log }) {
      for (let s = 0; s < ${opts.points}; s++) log.metrics({ loss: 1 / (1 + s), accuracy: s / ${opts.points} }, s);
      log.info('step ' + i + ' done');
      await outputs.out.write({ i, values: Array.from({ length: 50 }, (_, k) => k * i) });
    },
  }));
}
export default defineConfig({ project: 'bench-report', actions });
`,
);
await aero(reportDir, 'run');
const reportStart = performance.now();
await aero(reportDir, 'report', '--out', 'report.html');
const reportMs = performance.now() - reportStart;
const reportBytes = statSync(join(reportDir, 'report.html')).size;

const rows = [
  { workload: `first page (GET / + GET /api/runs), ${opts.runs} runs`, value: median(firstPage), target: '≤ 300 ms', ok: median(firstPage) <= 300 },
  { workload: `GET /api/runs alone, ${opts.runs} runs`, value: median(listOnly), target: '–', ok: true },
  { workload: `\`aero report\` of a ${opts.actions}-action run (${opts.points} points × 2 metrics each): size`, value: reportBytes, target: '≤ 2 MB', ok: reportBytes <= 2_000_000, bytes: true },
  { workload: `\`aero report\` of that run: wall time of the command`, value: reportMs, target: '–', ok: true },
];
const fmt = (r) => (r.bytes ? `${(r.value / 1024).toFixed(0)} KiB (${r.value} B)` : formatMs(r.value));
const table = markdownTable(['workload', 'median', 'target', 'met'], rows.map((r) => [r.workload, fmt(r), r.target, r.target === '–' ? '–' : r.ok ? 'yes' : 'NO']));
const machine = describeMachine({ rounds: opts.rounds, runs: opts.runs, actions: opts.actions });
console.log(table);
console.log(`results: ${writeResults('ui', { machine, rows, firstPageMs: firstPage, listMs: listOnly })}`);
const md = `Command: \`node tools/bench/ui/bench.mjs\` (defaults: --runs ${opts.runs} --rounds ${opts.rounds} --actions ${opts.actions} --points ${opts.points}).

${table}

${machineMarkdown(machine)}`;
console.log(`docs: ${writeDocsSection('ui', md)}`);
if (!opts.keep) rmSync(work, { recursive: true, force: true });
void benchDir;
process.exit(rows.every((r) => r.ok) ? 0 : 1);
