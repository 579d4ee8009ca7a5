#!/usr/bin/env node
// @aeroml/launcher-slurm: N partitions of one action as one job array vs one sbatch per job, on the local Slurm node.
//
//   node tools/bench/launcher-slurm/bench.mjs [--tasks 200] [--rounds 3] [--limit 200]
//
// Each round (alternating order) runs the same `tasks` jobs of the stand-in worker
// (plugins/launcher-slurm/test/fixtures/worker.mjs, the aero exec file protocol):
//   aero:     slurmLauncher() with its default polling (2 s, backoff to 30 s) and
//             arrayLimit = limit: one `sbatch --array`, one `squeue --json` per poll
//   baseline: one `sbatch --parsable --wrap` per job (the naive way), then waits for
//             every result.json by polling the filesystem every 250 ms (no squeue)
// Reports median wall time (submit → all results), sbatch and squeue calls; writes
// tools/bench/results/launcher-slurm.json. Needs plugins/launcher-slurm built and
// starts the cluster with tools/slurm/start.sh.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchDir, describeMachine, formatMs, formatRatio, machineMarkdown, markdownTable, median, parseArgs, repoRoot, writeResults } from '../lib/report.mjs';

const opts = parseArgs(process.argv.slice(2), { tasks: 200, rounds: 3, limit: 200, help: false });
if (opts.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 15).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const dist = join(repoRoot, 'plugins', 'launcher-slurm', 'dist', 'index.js');
if (!existsSync(dist)) {
  console.error(`${dist} is missing: build it first (cd plugins/launcher-slurm && npm run build)`);
  process.exit(1);
}
execFileSync('bash', [join(repoRoot, 'tools', 'slurm', 'start.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
const { slurmLauncher } = await import(dist);
const worker = join(repoRoot, 'plugins', 'launcher-slurm', 'test', 'fixtures', 'worker.mjs');
const work = join(benchDir, '.work', 'launcher-slurm');

function makeJobs(dir) {
  rmSync(dir, { recursive: true, force: true });
  return Array.from({ length: opts.tasks }, (_, i) => {
    const jobDir = join(dir, '.aero', 'runs', 'bench', `sim-${i}`);
    mkdirSync(jobDir, { recursive: true });
    const spec = {
      schema: 1, jobId: `bench:sim:${i}`, runId: 'bench', instanceId: `sim[i=${i}]`, action: 'sim', partition: { i }, params: {}, cacheKey: `k${i}`,
      inputs: {}, outputs: { out: { path: 'out.json', handler: 'json' } }, resources: { cpus: 1 }, cwd: dir, configFile: join(dir, 'aero.config.ts'),
      jobDir, env: {}, overrides: [], dev: false,
    };
    writeFileSync(join(jobDir, 'job.json'), JSON.stringify(spec));
    return spec;
  });
}

async function runAero(round) {
  const jobs = makeJobs(join(work, `aero-${round}`));
  const launcher = slurmLauncher({ arrayLimit: opts.limit });
  const ctx = { signal: new AbortController().signal, emit() {}, logger: { debug() {}, info() {}, warn() {}, error() {} }, execCommand: [process.execPath, worker] };
  const t0 = performance.now();
  const results = await Promise.all(launcher.submit(jobs, ctx));
  const ms = performance.now() - t0;
  if (results.some((r) => !r.ok)) throw new Error(`aero: ${results.filter((r) => !r.ok).length} jobs failed: ${results.find((r) => !r.ok).error.message}`);
  return { ms, sbatch: launcher.calls.sbatch, squeue: launcher.calls.squeue };
}

async function runBaseline(round) {
  const jobs = makeJobs(join(work, `baseline-${round}`));
  const t0 = performance.now();
  for (const j of jobs) {
    const r = spawnSync('sbatch', ['--parsable', '--no-requeue', `--chdir=${j.cwd}`, `--output=${join(j.jobDir, 'slurm-%j.out')}`, '--wrap', `${process.execPath} ${worker} --spec ${join(j.jobDir, 'job.json')}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sbatch failed: ${r.stderr}`);
  }
  const pending = new Set(jobs.map((j) => j.jobDir));
  while (pending.size) {
    for (const d of [...pending]) if (existsSync(join(d, 'result.json'))) pending.delete(d);
    if (pending.size) await new Promise((r) => setTimeout(r, 250));
  }
  return { ms: performance.now() - t0, sbatch: jobs.length, squeue: 0 };
}

const samples = { aero: [], baseline: [] };
for (let round = 0; round < opts.rounds; round++) {
  const order = round % 2 ? ['baseline', 'aero'] : ['aero', 'baseline'];
  for (const arm of order) {
    const s = arm === 'aero' ? await runAero(round) : await runBaseline(round);
    samples[arm].push(s);
    process.stderr.write(`round ${round + 1}/${opts.rounds} ${arm}: ${formatMs(s.ms)} (sbatch ${s.sbatch}, squeue ${s.squeue})\n`);
  }
}
rmSync(work, { recursive: true, force: true });

const summary = (arm) => ({ ms: median(samples[arm].map((s) => s.ms)), sbatch: median(samples[arm].map((s) => s.sbatch)), squeue: median(samples[arm].map((s) => s.squeue)) });
const a = summary('aero');
const b = summary('baseline');
const slurmVersion = execFileSync('sinfo', ['--version'], { encoding: 'utf8' }).trim();
const machine = describeMachine({ slurm: slurmVersion, nodeCpus: execFileSync('sinfo', ['-h', '-o', '%c'], { encoding: 'utf8' }).trim() });
const table = markdownTable(
  ['arm', `wall, ${opts.tasks} jobs (median of ${opts.rounds})`, 'sbatch calls', 'squeue calls', 'ratio vs baseline'],
  [
    ['aero: one job array', formatMs(a.ms), a.sbatch, a.squeue, formatRatio(a.ms, b.ms)],
    ['baseline: one sbatch per job', formatMs(b.ms), b.sbatch, b.squeue, formatRatio(b.ms, b.ms)],
  ],
);
console.log(`${table}\n\n${machineMarkdown(machine)}`);
const file = writeResults('launcher-slurm', { suite: 'launcher-slurm', options: opts, machine, medians: { aero: a, baseline: b }, samples });
console.log(`\nresults: ${file}`);
