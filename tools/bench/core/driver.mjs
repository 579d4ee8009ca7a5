// One phase of the core suite, in its own process (so its peak RSS is its own):
//
//   node driver.mjs <projectDir> plan|run|rerun|baseline
//   node driver.mjs <file> hash
//
// Prints one JSON line: { loadMs, phaseMs, phaseCpuMs, counts?, status?, bytes? }.
//   loadMs   createAero(): config file (jiti), plugins, params
//   phaseMs  plan = aero.run({ dryRun: true }); run / rerun = aero.run(); both via the public API
//            baseline = the same actions' run() called by a minimal hand-written scheduler
//            (topological order, same concurrency, outputs written with fs.writeFile): the floor.
//            hash = sha256File() from @aeroml/core over the whole file.
// The embedded defaults are the CLI's: local store, file tracker, text handlers.
// AERO_BENCH_MODULES points at the suite's frozen copy of the packages.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { importFrom } from '../lib/aero-snapshot.mjs';

const [target, phase] = process.argv.slice(2);
/** User + system CPU of this process (all its threads) since `start`, in ms. */
const cpuSince = (start) => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};
// The frozen copy of the packages the suite took (lib/aero-snapshot.mjs), else the workspace's.
const modules = process.env.AERO_BENCH_MODULES;
const load = (name) => (modules ? importFrom(modules, name) : import(name));
const core = await load('@aeroml/core');

if (phase === 'hash') {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const { size } = await core.sha256File(target);
  process.stdout.write(`${JSON.stringify({ phaseMs: performance.now() - t0, phaseCpuMs: cpuSince(c0), bytes: size })}\n`);
  process.exit(0);
}

const t0 = performance.now();
const [{ localStore }, { fileTracker }, { textHandlers }] = await Promise.all([load('@aeroml/store-local'), load('@aeroml/tracker-file'), load('@aeroml/handler-text')]);
const cwd = target;
const aero = await core.createAero({
  cwd,
  defaults: { store: () => localStore({ cwd }), trackers: () => [fileTracker()], handlers: () => textHandlers() },
});
const loadMs = performance.now() - t0;

if (phase === 'baseline') {
  const actions = aero.actions;
  const concurrency = aero.config.concurrency ?? 2;
  const byName = new Map(actions.map((a, i) => [a.name, i]));
  const deps = actions.map((a) => Object.values(a.inputs).map((ref) => byName.get(ref.action)));
  const dependents = actions.map(() => []);
  const remaining = deps.map((d) => d.length);
  deps.forEach((d, i) => d.forEach((j) => dependents[j].push(i)));
  const outDir = join(cwd, '.baseline');
  await mkdir(outDir, { recursive: true });
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  await new Promise((resolveAll, rejectAll) => {
    const ready = remaining.flatMap((r, i) => (r === 0 ? [i] : []));
    let active = 0;
    let done = 0;
    const pump = () => {
      while (active < concurrency && ready.length) {
        const i = ready.pop();
        active++;
        const a = actions[i];
        const outputs = Object.fromEntries(
          Object.keys(a.outputs).map((name) => {
            const path = join(outDir, `${a.name}.${name}`);
            return [name, { path, dir: path, write: (v) => writeFile(path, String(v)), meta() {} }];
          }),
        );
        Promise.resolve(a.run({ params: {}, inputs: {}, outputs, partition: undefined, log: {}, signal: undefined, workDir: outDir, cwd, runId: 'baseline', instanceId: a.name })).then(() => {
          active--;
          done++;
          for (const d of dependents[i]) if (--remaining[d] === 0) ready.push(d);
          if (done === actions.length) resolveAll();
          else pump();
        }, rejectAll);
      }
    };
    pump();
  });
  process.stdout.write(`${JSON.stringify({ loadMs, phaseMs: performance.now() - t1, phaseCpuMs: cpuSince(c1), counts: { ran: actions.length }, status: 'succeeded' })}\n`);
  process.exit(0);
}

const c1 = process.cpuUsage();
const t1 = performance.now();
const summary = await aero.run({ dryRun: phase === 'plan' });
const phaseMs = performance.now() - t1;
const phaseCpuMs = cpuSince(c1);
await aero.close();
const wouldRun = summary.decisions.filter((d) => d.status === 'would-run').length;
process.stdout.write(`${JSON.stringify({ loadMs, phaseMs, phaseCpuMs, counts: summary.counts, wouldRun, status: summary.status })}\n`);
