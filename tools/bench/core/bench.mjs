#!/usr/bin/env node
// @aeroml/core engine: 10,000 no-op inline actions (fan, chain) — plan, run, per-action overhead, cached rerun, peak RSS; sha256 of 1 GiB vs openssl.
//
//   npm run bench -- core [--n 10000] [--rounds 3] [--shapes fan,chain,bare] [--phases plan,run,rerun,baseline] [--jobs 2] [--hash-mib 1024] [--work-root DIR] [--before CHECKOUT] [--profile] [--no-docs]
//
// Planning alone, large (issue 15's plan targets; the docs get a section of their own):
//   npm run bench -- core --phases plan --shapes fan --n 100000 --rounds 5 --hash-mib 0
//   npm run bench -- core --phases plan --shapes fan --n 1000000 --rounds 5 --hash-mib 0
// --core-dist DIR runs against another build of @aeroml/core (its dist/, e.g. one built from
// an older commit in a git worktree) for before/after numbers taken in the same conditions.
// --before CHECKOUT runs every phase a second time, round by round in alternating order,
// with the packages built in another checkout (e.g. `git worktree add /tmp/old <commit>`,
// then `npx tsup` in its packages/core, packages/cli and plugins): a before/after table from
// the same minutes, since this machine's speed drifts by 20-30 % between runs.
//
// Workloads (tools/bench/.work/core/<shape>, a project with an aero.config.ts of N actions;
// --work-root DIR puts them in DIR/core instead, e.g. on a tmpfs, see lib/work-root.mjs):
//   fan    N independent actions, each writing an empty `text` output
//   chain  action i takes action i-1's output as input (outputs are what make a chain)
//   bare   N independent actions with no outputs at all: scheduling, cache and records only
// Each round, in a fresh project, one process per phase (driver.mjs, through the public API
// with the CLI's embedded defaults: local store, file tracker, text handlers):
//   plan     aero.run({ dryRun: true })      run      aero.run()      rerun   aero.run() again
//   baseline the same run() functions called by a minimal hand-written scheduler (the floor)
// "engine" is the time inside run(), wall and CPU (config loading excluded, shown apart);
// "process" is the wall time of the whole process including Node start-up; peak RSS is the process's.
// Hashing: sha256File() from @aeroml/core over a 1 GiB file against `openssl dgst -sha256` of
// the same file and `openssl speed -evp sha256` (16 KiB blocks, CPU only), same run.
// Prints medians and ratios; writes tools/bench/results/core.json and the core section of
// docs/benchmarks.md. --profile adds a first, uncounted round under `node --cpu-prof` and prints
// the hot functions (profiles kept in tools/bench/.work/core/profiles/<shape>-<phase>/).
import { randomFillSync } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, openSync, closeSync, writeSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, run as runChecked } from '../lib/measure.mjs';
import { formatProfile, summarizeCpuProfile } from '../lib/cpuprofile.mjs';
import { snapshotAero } from '../lib/aero-snapshot.mjs';
import { fileSystemOf, suiteWorkDir } from '../lib/work-root.mjs';
import { benchDir, describeMachine, formatKb, formatMs, formatRatio, machineMarkdown, markdownTable, median, parseArgs, usageOf, writeDocsSection, writeResults } from '../lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const opts = parseArgs(process.argv.slice(2), { n: 10000, rounds: 3, shapes: ['fan', 'chain', 'bare'], phases: ['plan', 'run', 'rerun', 'baseline'], coreDist: '', jobs: 2, hashMib: 1024, workRoot: '', before: '', profile: false, noDocs: false, help: false });
if (opts.help) {
  process.stdout.write(usageOf(import.meta.url));
  process.exit(0);
}
const log = (m) => process.stderr.write(`${m}\n`);
const workDir = suiteWorkDir('core', opts.workRoot);
const command = `npm run bench -- core ${process.argv.slice(2).join(' ')}`.trim();
const started = Date.now();

function writeProject(dir, shape, n) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `core-bench-${shape}`, private: true, type: 'module' })}\n`);
  const body =
    shape === 'bare'
      ? `    defineAction({ name: \`a\${i}\`, version: '1', run() {} }),`
      : [
          `    defineAction({`,
          `      name: \`a\${i}\`,`,
          `      version: '1',`,
          shape === 'chain' ? `      inputs: i > 0 ? { prev: actions[i - 1].output('out') } : {},` : `      inputs: {},`,
          `      outputs: { out: { handler: 'text' } },`,
          `      async run({ outputs }) { await outputs.out.write(''); },`,
          `    }),`,
        ].join('\n');
  writeFileSync(
    join(dir, 'aero.config.ts'),
    [
      `import { defineAction, defineConfig } from '@aeroml/core';`,
      ``,
      `// ${n} no-op inline actions (${shape}).`,
      `const actions = [];`,
      `for (let i = 0; i < ${n}; i++) {`,
      `  actions.push(`,
      body,
      `  );`,
      `}`,
      ``,
      `export default defineConfig({ project: 'core-bench-${shape}', actions, launcher: 'inline', concurrency: ${opts.jobs} });`,
      ``,
    ].join('\n'),
  );
}

// Every project below runs against this frozen copy, so a rebuild meanwhile cannot break the run.
const snapshot = await snapshotAero(workDir, { log });
const before = opts.before ? await snapshotAero(join(workDir, 'before'), { log, from: opts.before }) : undefined;
if (opts.coreDist) {
  const target = join(snapshot.modules, '@aeroml', 'core', 'dist');
  rmSync(target, { recursive: true, force: true });
  cpSync(opts.coreDist, target, { recursive: true });
  log(`[bench] @aeroml/core/dist replaced by ${opts.coreDist}`);
}
const profileDir = join(workDir, 'profiles');
const profiles = [];

async function phase(dir, name, label, modules = snapshot.modules) {
  const prof = opts.profile && label ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, label)] : [];
  if (prof.length) rmSync(join(profileDir, label), { recursive: true, force: true });
  const r = await measure(process.execPath, [...prof, join(here, 'driver.mjs'), dir, name], { cwd: name === 'hash' ? dirname(dir) : dir, env: { AERO_BENCH_MODULES: modules } });
  if (r.code !== 0) throw new Error(`core bench ${name} in ${dir} failed (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
  if (prof.length) {
    const file = readdirSync(join(profileDir, label)).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      const summary = summarizeCpuProfile(join(profileDir, label, file));
      profiles.push({ label, file: join(profileDir, label, file), ...summary });
      log(`--- profile ${label} (${join(profileDir, label, file)})\n${formatProfile(summary)}`);
    }
  }
  return { ...out, wallMs: r.ms, cpuMs: r.cpuMs, peakRssKb: r.peakRssKb };
}

/** What a phase must report; a mismatch is an anomaly: kept in the results, left out of the medians. */
function check(shape, name, out, n) {
  const want = { plan: ['wouldRun', n], run: ['ran', n], rerun: ['cached', n], baseline: ['ran', n] }[name];
  const got = want[0] === 'wouldRun' ? out.wouldRun : out.counts?.[want[0]];
  if (out.status !== 'succeeded' || got !== want[1]) return `${shape} ${name}: expected ${want[0]}=${want[1]}, got status ${out.status}, counts ${JSON.stringify(out.counts)}`;
  return undefined;
}
const anomalies = [];

// -- engine phases ---------------------------------------------------------------------------
// rerun needs run's store; the order is fixed whatever order --phases lists them in.
const PHASES = ['plan', 'run', 'rerun', 'baseline'].filter((p) => opts.phases.includes(p));
if (PHASES.includes('rerun') && !PHASES.includes('run')) throw new Error('--phases rerun needs run too (a rerun reads the full run\'s store)');
const planOnly = PHASES.length === 1 && PHASES[0] === 'plan';
const samples = Object.fromEntries(opts.shapes.map((s) => [s, Object.fromEntries(PHASES.map((p) => [p, []]))]));
const beforeSamples = Object.fromEntries(opts.shapes.map((s) => [s, Object.fromEntries(PHASES.map((p) => [p, []]))]));
// The builds measured: this checkout's, and with --before the other one, alternating which goes first.
const variants = (round) => {
  const list = [{ name: 'after', root: workDir, modules: snapshot.modules, into: samples }];
  if (before) list.push({ name: 'before', root: join(workDir, 'before'), modules: before.modules, into: beforeSamples });
  return round % 2 ? list.reverse() : list;
};
// With --profile, an extra first round runs under the profiler and is not counted.
for (let round = opts.profile ? -1 : 0; round < opts.rounds; round++) {
  for (const shape of opts.shapes.map((_, i, a) => a[(i + Math.max(round, 0)) % a.length])) {
   for (const variant of variants(Math.max(round, 0))) {
    const dir = join(variant.root, shape);
    writeProject(dir, shape, opts.n);
    for (const name of PHASES) {
      if (variant.name === 'before' && name === 'baseline') continue; // the floor does not depend on the build
      log(`  ${shape} ${name}${before ? ` (${variant.name})` : ''} (${round < 0 ? 'profiled round, not counted' : `round ${round + 1}/${opts.rounds}`})`);
      const out = await phase(dir, name, round < 0 && name !== 'baseline' && variant.name === 'after' ? `${shape}-${name}` : undefined, variant.modules);
      log(`    → engine ${formatMs(out.phaseMs)} (CPU ${formatMs(out.phaseCpuMs)}), load ${formatMs(out.loadMs)}, process ${formatMs(out.wallMs)}, ${formatKb(out.peakRssKb)}`);
      const problem = check(shape, name, out, opts.n);
      if (problem) {
        log(`    ! ${problem} (not counted)`);
        anomalies.push({ round: round + 1, problem, out });
        continue;
      }
      if (round >= 0) variant.into[shape][name].push(out);
    }
    rmSync(dir, { recursive: true, force: true });
   }
  }
}
const med = (list, key) => median(list.map((x) => x[key]));
const summarize = (from) =>
  opts.shapes.map((shape) => ({
    shape,
    n: opts.n,
    phases: Object.fromEntries(
      PHASES.filter((p) => from[shape][p].length > 0).map((p) => [p, { phaseMs: med(from[shape][p], 'phaseMs'), phaseCpuMs: med(from[shape][p], 'phaseCpuMs'), loadMs: med(from[shape][p], 'loadMs'), wallMs: med(from[shape][p], 'wallMs'), cpuMs: med(from[shape][p], 'cpuMs'), peakRssKb: med(from[shape][p], 'peakRssKb'), samples: from[shape][p] }]),
    ),
  }));
const engine = summarize(samples);
const engineBefore = before ? summarize(beforeSamples) : undefined;

// -- hashing ---------------------------------------------------------------------------------
const bigFile = join(workDir, `hash-${opts.hashMib}MiB.bin`);
if (opts.hashMib > 0 && (!existsSync(bigFile) || statSync(bigFile).size !== opts.hashMib * 2 ** 20)) {
  log(`  writing ${opts.hashMib} MiB of random bytes to ${bigFile}`);
  mkdirSync(workDir, { recursive: true });
  const fd = openSync(bigFile, 'w');
  const chunk = Buffer.allocUnsafe(2 ** 20);
  for (let i = 0; i < opts.hashMib; i++) writeSync(fd, randomFillSync(chunk));
  closeSync(fd);
}
if (opts.hashMib > 0) await runChecked('cat', [bigFile], { cwd: workDir }); // warm the page cache: both sides read from memory
const hash = { aero: [], dgst: [], speed: [] };
// --hash-mib 0 skips hashing.
for (let round = 0; opts.hashMib > 0 && round < opts.rounds; round++) {
  const order = round % 2 ? ['dgst', 'aero'] : ['aero', 'dgst'];
  for (const which of order) {
    log(`  sha256 ${which} (round ${round + 1}/${opts.rounds})`);
    if (which === 'aero') {
      const out = await phase(bigFile, 'hash');
      hash.aero.push({ ms: out.phaseMs, cpuMs: out.phaseCpuMs, wallMs: out.wallMs, peakRssKb: out.peakRssKb });
    } else {
      const r = await runChecked('openssl', ['dgst', '-sha256', bigFile]);
      hash.dgst.push({ ms: r.ms, cpuMs: r.cpuMs, wallMs: r.ms, peakRssKb: r.peakRssKb });
    }
  }
  const s = await runChecked('openssl', ['speed', '-mr', '-seconds', '2', '-bytes', '16384', '-evp', 'sha256']);
  const bps = Number(/\+F:\d+:sha256:([\d.]+)/.exec(s.stdout)?.[1]);
  hash.speed.push({ bytesPerSecond: bps });
}
const bytes = opts.hashMib * 2 ** 20;
const mibps = (ms) => (ms ? bytes / 2 ** 20 / (ms / 1000) : 0);
const hashing = {
  bytes,
  aero: { ms: median(hash.aero.map((x) => x.ms)), cpuMs: median(hash.aero.map((x) => x.cpuMs)), wallMs: median(hash.aero.map((x) => x.wallMs)), peakRssKb: median(hash.aero.map((x) => x.peakRssKb)), samples: hash.aero },
  opensslDgst: { ms: median(hash.dgst.map((x) => x.ms)), cpuMs: median(hash.dgst.map((x) => x.cpuMs)), peakRssKb: median(hash.dgst.map((x) => x.peakRssKb)), samples: hash.dgst },
  opensslSpeedMiBps: median(hash.speed.map((x) => x.bytesPerSecond / 2 ** 20)),
};

// -- report ----------------------------------------------------------------------------------
const machine = describeMachine({ aeroPackages: snapshot.packages.join(', '), workDir: `${workDir}: ${fileSystemOf(workDir)}`, ...(opts.coreDist ? { coreDist: opts.coreDist } : {}), opensslVersion: (await runChecked('openssl', ['version'])).stdout.trim() });
const results = { suite: 'core', command, machine, n: opts.n, rounds: opts.rounds, jobs: opts.jobs, engine, ...(engineBefore ? { before: { checkout: opts.before, commit: (await runChecked('git', ['-C', opts.before, 'rev-parse', '--short', 'HEAD'])).stdout.trim(), engine: engineBefore } } : {}), hashing, anomalies, ...(profiles.length ? { profiles } : {}) };
const suiteName = planOnly ? `core-plan-${opts.n}` : 'core';
writeResults(suiteName, results);
const md = markdown(results);
process.stdout.write(`${md}\n`);
// A plan-only run has its own section, so it does not replace the full suite's table.
if (!opts.noDocs) writeDocsSection(suiteName, md);
log(`[bench] done in ${formatMs(Date.now() - started)}; results in tools/bench/results/${suiteName}.json${opts.noDocs ? '' : ' and docs/benchmarks.md'}`);

function markdown(res) {
  const us = (ms) => (ms === undefined ? '–' : `${((ms * 1000) / res.n).toFixed(0)} µs`);
  const label = { fan: `fan ${res.n.toLocaleString('en-US')}`, chain: `chain ${res.n.toLocaleString('en-US')}`, bare: `fan ${res.n.toLocaleString('en-US')}, no outputs` };
  const rows = [];
  for (const w of res.engine) {
    const base = w.phases.baseline;
    for (const p of ['plan', 'run', 'rerun'].filter((name) => PHASES.includes(name))) {
      const x = w.phases[p];
      rows.push([
        label[w.shape],
        { plan: 'plan (dry run)', run: 'run', rerun: 'cached rerun' }[p],
        formatMs(x.phaseMs),
        formatMs(x.phaseCpuMs),
        us(x.phaseCpuMs),
        formatMs(x.loadMs),
        formatMs(x.wallMs),
        formatKb(x.peakRssKb),
        p === 'run' && base ? `${formatMs(base.phaseMs)} / ${formatMs(base.phaseCpuMs)}` : '–',
        p === 'run' && base ? `${formatRatio(x.phaseMs, base.phaseMs)} / ${formatRatio(x.phaseCpuMs, base.phaseCpuMs)}` : '–',
      ]);
    }
  }
  const h = res.hashing;
  const hashRows = h.bytes === 0 ? [] : [
    ['aero `sha256File()` (in process)', formatMs(h.aero.ms), formatMs(h.aero.cpuMs), `${mibps(h.aero.ms).toFixed(0)} / ${mibps(h.aero.cpuMs).toFixed(0)} MiB/s`, formatKb(h.aero.peakRssKb), `${formatRatio(h.aero.ms, h.opensslDgst.ms)} / ${formatRatio(h.aero.cpuMs, h.opensslDgst.cpuMs)}`],
    ['`openssl dgst -sha256` (same file, whole process)', formatMs(h.opensslDgst.ms), formatMs(h.opensslDgst.cpuMs), `${mibps(h.opensslDgst.ms).toFixed(0)} / ${mibps(h.opensslDgst.cpuMs).toFixed(0)} MiB/s`, formatKb(h.opensslDgst.peakRssKb), '1'],
    ['`openssl speed -evp sha256` (16 KiB blocks, CPU only)', formatMs((h.bytes / 2 ** 20 / h.opensslSpeedMiBps) * 1000), '–', `${h.opensslSpeedMiBps.toFixed(0)} MiB/s`, '–', formatRatio(h.aero.ms, (h.bytes / 2 ** 20 / h.opensslSpeedMiBps) * 1000)],
  ];
  return [
    planOnly ? `### Planning ${res.n.toLocaleString('en-US')} actions (suite \`core\`, plan phase only)\n` : `## aero engine (suite \`core\`)\n`,
    `${res.n.toLocaleString('en-US')} no-op inline actions per workload, ${res.jobs} in parallel; ${res.rounds} rounds, medians. Measured ${res.machine.date.slice(0, 10)} with \`${res.command}\`.`,
    `"engine" = time inside \`aero.run()\`, wall and CPU (user + system of the process, all threads; per action = CPU divided by ${res.n.toLocaleString('en-US')}; CPU moves much less than wall on a shared machine); "load" = \`createAero()\` (config through jiti, plugins); "process wall" = the whole process including Node start-up; baseline = the same \`run()\` functions under a minimal hand-written scheduler, so aero/baseline is the engine's bookkeeping (plan, cache keys, manifests, records, tracker) over the bare work.\n`,
    markdownTable(['workload', 'phase', 'engine wall', 'engine CPU', 'CPU per action', 'load', 'process wall', 'peak RSS', 'baseline (wall / CPU)', 'aero/baseline (wall / CPU)'], rows),
    ...(res.before ? [`\nThe same phases with the packages built in \`${res.before.checkout}\` (before: commit ${res.before.commit}), in the same rounds, alternating which build went first:\n`, markdownTable(['workload', 'phase', 'before: engine wall / CPU', 'after: engine wall / CPU', 'after/before (wall / CPU)'], beforeRows(res))] : []),
    ...(res.anomalies.length ? [`\nAnomalies (left out of the medians):\n`, ...res.anomalies.map((a) => `- round ${a.round}: ${a.problem}`)] : []),
    ...(res.hashing.bytes > 0 ? [`\nsha256 of a ${res.hashing.bytes / 2 ** 30} GiB file (page cache warm):\n`, markdownTable(['hashing', 'wall', 'CPU', 'throughput (wall / CPU)', 'peak RSS', 'aero/openssl (wall / CPU)'], hashRows)] : []),
    `\nMachine:\n\n${machineMarkdown(res.machine)}`,
  ].join('\n');
}

function beforeRows(res) {
  const label = { fan: `fan ${res.n.toLocaleString('en-US')}`, chain: `chain ${res.n.toLocaleString('en-US')}`, bare: `fan ${res.n.toLocaleString('en-US')}, no outputs` };
  const rows = [];
  for (const w of res.engine) {
    const b = res.before.engine.find((x) => x.shape === w.shape);
    for (const p of ['plan', 'run', 'rerun'].filter((name) => w.phases[name] && b?.phases[name])) {
      const x = w.phases[p];
      const y = b.phases[p];
      rows.push([label[w.shape], { plan: 'plan (dry run)', run: 'run', rerun: 'cached rerun' }[p], `${formatMs(y.phaseMs)} / ${formatMs(y.phaseCpuMs)}`, `${formatMs(x.phaseMs)} / ${formatMs(x.phaseCpuMs)}`, `${formatRatio(x.phaseMs, y.phaseMs)} / ${formatRatio(x.phaseCpuMs, y.phaseCpuMs)}`]);
    }
  }
  return rows;
}
