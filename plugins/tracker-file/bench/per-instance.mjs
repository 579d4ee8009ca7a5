// Per-instance cost of the file tracker: drives fileTracker() directly through what the
// engine does for every trivial action instance that runs (startAction, logParams,
// logArtifact of its one output, endAction) and reports the median µs per instance,
// wall clock and process CPU (user + system), over several rounds.
//
//   node plugins/tracker-file/bench/per-instance.mjs                 # this tree's dist/ (build it first)
//   node plugins/tracker-file/bench/per-instance.mjs --ref 0cae5b0   # the tracker as of a git commit
//   options: --instances 10000 --rounds 5 --fsync --json
//
// CPU time is reported next to wall time because the machines we measure on are shared:
// wall time moves with the load of other processes, CPU time much less.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..');
const repoRoot = resolve(packageDir, '../..');

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    ref: { type: 'string' },
    fsync: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const instances = Number(values.instances);
const rounds = Number(values.rounds);

/**
 * Bundles src/ as of a git ref with esbuild (what tsup uses) into bench/.ref/<ref>/, so an
 * older tracker can be measured on the same machine in the same minute as the current one.
 * The output stays inside the repo so `@aeroml/core` resolves from the workspace; esbuild
 * comes with tsup, the root devDependency every package builds with.
 */
async function buildRef(ref) {
  const sha = execFileSync('git', ['rev-parse', '--short', ref], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const out = join(here, '.ref', sha);
  const src = join(out, 'tree');
  mkdirSync(src, { recursive: true });
  const archive = execFileSync('git', ['archive', sha, 'plugins/tracker-file/src', 'plugins/tracker-file/package.json'], { cwd: repoRoot });
  execFileSync('tar', ['-x', '-C', src], { input: archive });
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(src, 'plugins/tracker-file/src/index.ts')],
    outfile: join(out, 'index.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return { module: join(out, 'index.js'), label: `git ${sha}` };
}

const target = values.ref ? await buildRef(values.ref) : { module: join(packageDir, 'dist', 'index.js'), label: 'dist/' };
const { fileTracker } = await import(pathToFileURL(target.module).href);

const ref = (i) => {
  const digest = i.toString(16).padStart(64, '0');
  return { name: 'work.out', digest, handler: 'text', files: [{ path: 'out.txt', sha256: digest, size: 2 }], manifestKey: `artifacts/work.out/${digest}.json` };
};

// Run folders are removed after the last round, not between rounds: deleting tens of
// thousands of files makes the kernel busy for a while after rm returns, which would be
// charged to the next round.
const roots = [];

/** One run of `count` instances; returns µs per instance, wall and CPU. */
async function round(count) {
  const root = mkdtempSync(join(tmpdir(), 'aero-tracker-bench-'));
  const runDir = join(root, 'runs', 'r1');
  const t = fileTracker({ fsync: values.fsync });
  await t.startRun({ runId: 'r1', project: 'bench', runName: 'bench', startedAt: new Date().toISOString(), params: { n: count }, tags: {}, runDir, dev: false });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < count; i++) {
    const instanceId = `work[i=${i}]`;
    const scope = { runId: 'r1', instanceId };
    await t.startAction({ runId: 'r1', instanceId, action: 'work', cacheKey: `k${i}`, params: { i }, partition: { i }, dir: join(runDir, `work_i=${i}`), cached: false });
    await t.logParams(scope, { seed: i });
    await t.logArtifact(scope, ref(i), 'output');
    await t.endAction(scope, { status: 'ran', durationMs: 1 });
  }
  const wall = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  await t.endRun({ runId: 'r1' }, { status: 'succeeded', durationMs: wall });
  await t.close();
  roots.push(root);
  return { wallUs: (wall * 1000) / count, cpuUs: (cpu.user + cpu.system) / count };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const loadStart = loadavg()[0];
await round(Math.min(1000, instances)); // warm-up: JIT, first mkdir of tmp dirs
const results = [];
for (let r = 0; r < rounds; r++) results.push(await round(instances));
for (const root of roots) rmSync(root, { recursive: true, force: true });
const summary = {
  tracker: target.label,
  fsync: values.fsync,
  instances,
  rounds,
  medianWallUsPerInstance: Number(median(results.map((r) => r.wallUs)).toFixed(1)),
  medianCpuUsPerInstance: Number(median(results.map((r) => r.cpuUs)).toFixed(1)),
  roundsWallUs: results.map((r) => Number(r.wallUs.toFixed(1))),
  roundsCpuUs: results.map((r) => Number(r.cpuUs.toFixed(1))),
  loadAverage: { start: Number(loadStart.toFixed(2)), end: Number(loadavg()[0].toFixed(2)) },
  node: process.version,
};
if (values.json) console.log(JSON.stringify(summary));
else {
  console.log(`file tracker (${summary.tracker}${summary.fsync ? ', fsync' : ''}): ${instances} instances × ${rounds} rounds`);
  console.log(`  median per instance: ${summary.medianWallUsPerInstance} µs wall, ${summary.medianCpuUsPerInstance} µs CPU`);
  console.log(`  rounds wall µs: ${summary.roundsWallUs.join(' ')}   CPU µs: ${summary.roundsCpuUs.join(' ')}`);
  console.log(`  load average (1 min): ${summary.loadAverage.start} at start, ${summary.loadAverage.end} at end`);
}
