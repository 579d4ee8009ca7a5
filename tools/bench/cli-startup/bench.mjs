#!/usr/bin/env node
// CLI start-up: `aero --help` and `aero list` (quickstart) as whole processes, next to `node -e 0`.
//
//   node tools/bench/cli-startup/bench.mjs [--rounds 7] [--warmup 1] [--cold]
//        [--cli packages/cli/dist/bin.js] [--project examples/quickstart]
//        [--baseline OTHER/bin.js --baseline-project OTHER/quickstart]
//
// Each round runs every workload once, in the same order, so a change in the machine's
// load hits all of them alike: `node -e 0` (Node's own start-up, the floor), `aero --help`,
// `aero list` with the config transform cache warm (the usual case: nothing edited since
// the last command) and, with --cold, `aero list` after deleting the transform caches
// (the first command after an edit re-transforms only the edited files; this is the
// worst case, every file). --baseline adds the same aero rows for another build of the
// CLI (e.g. a copy of an older dist with its own project copy) for before/after numbers.
// Wall and CPU (user + system, GNU time, 10 ms resolution) are medians over the rounds;
// on a shared machine CPU moves much less than wall. Writes tools/bench/results/cli-startup.json.
import { existsSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { measure } from '../lib/measure.mjs';
import { describeMachine, formatMs, markdownTable, median, parseArgs, repoRoot, usageOf, writeResults } from '../lib/report.mjs';

const opts = parseArgs(process.argv.slice(2), {
  rounds: 7,
  warmup: 1,
  cold: false,
  cli: 'packages/cli/dist/bin.js',
  project: 'examples/quickstart',
  baseline: '',
  baselineProject: '',
  help: false,
});
if (opts.help) {
  process.stdout.write(usageOf(import.meta.url));
  process.exit(0);
}

const abs = (p) => (isAbsolute(p) ? p : resolve(repoRoot, p));
const builds = [{ label: 'aero', cli: abs(opts.cli), project: abs(opts.project) }];
if (opts.baseline) builds.push({ label: 'baseline', cli: abs(opts.baseline), project: abs(opts.baselineProject || opts.project) });
for (const b of builds) {
  if (!existsSync(b.cli)) {
    console.error(`${b.cli} is missing: build the CLI first (npx nx run @aeroml/cli:build)`);
    process.exit(1);
  }
}

/** Transform caches of the config loader: aero's own and jiti's default (older builds). */
const dropTransformCaches = (project) => {
  for (const name of ['aero-config-1', 'jiti']) rmSync(join(project, 'node_modules', '.cache', name), { recursive: true, force: true });
};

const workloads = [{ name: '`node -e 0`', cmd: process.execPath, args: ['-e', '0'], cwd: repoRoot }];
for (const b of builds) {
  const tag = builds.length > 1 ? ` (${b.label})` : '';
  workloads.push({ name: `\`aero --help\`${tag}`, cmd: process.execPath, args: [b.cli, '--help'], cwd: b.project });
  workloads.push({ name: `\`aero list\`, warm transform cache${tag}`, cmd: process.execPath, args: [b.cli, 'list'], cwd: b.project });
  if (opts.cold) workloads.push({ name: `\`aero list\`, cold transform cache${tag}`, cmd: process.execPath, args: [b.cli, 'list'], cwd: b.project, before: () => dropTransformCaches(b.project) });
}

const samples = new Map(workloads.map((w) => [w.name, []]));
for (let round = 0; round < opts.warmup + opts.rounds; round++) {
  for (const w of workloads) {
    w.before?.();
    const r = await measure(w.cmd, w.args, { cwd: w.cwd, timeoutMs: 120_000 });
    if (r.code !== 0) {
      console.error(`${w.name} failed (exit ${r.code}):\n${r.stderr}`);
      process.exit(1);
    }
    if (round >= opts.warmup) samples.get(w.name).push({ wallMs: r.ms, cpuMs: r.cpuMs });
  }
}

const floorCpu = median(samples.get(workloads[0].name).map((s) => s.cpuMs));
const rows = workloads.map((w) => {
  const s = samples.get(w.name);
  const wall = s.map((x) => x.wallMs);
  const cpu = median(s.map((x) => x.cpuMs));
  return {
    workload: w.name,
    wallMs: median(wall),
    wallMinMs: Math.min(...wall),
    wallMaxMs: Math.max(...wall),
    cpuMs: cpu,
    cpuOverNodeMs: w === workloads[0] || cpu === undefined || floorCpu === undefined ? undefined : cpu - floorCpu,
  };
});

const table = markdownTable(
  ['workload', 'wall (median)', 'wall min–max', 'CPU (median)', 'CPU over `node -e 0`'],
  rows.map((r) => [r.workload, formatMs(r.wallMs), `${formatMs(r.wallMinMs)} – ${formatMs(r.wallMaxMs)}`, formatMs(r.cpuMs), r.cpuOverNodeMs === undefined ? '–' : formatMs(r.cpuOverNodeMs)]),
);
const machine = describeMachine({ rounds: opts.rounds, builds: builds.map((b) => `${b.label}: ${b.cli} in ${b.project}`) });
console.log(`${table}\n\nload average at start / end: ${machine.loadAverageAtStart} / ${machine.loadAverageAtEnd}`);
console.log(`results: ${writeResults('cli-startup', { machine, rows })}`);
