// Trivial-job workloads (fan / chain of N jobs) and the 100k-job plan, for every tool.
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../lib/measure.mjs';
import { formatKb, formatMs } from '../lib/report.mjs';
import { tools, dvcInitSteps } from './workloads.mjs';
import { measureStep, newMetric } from './metrics.mjs';

/** Newest run record of an aero project (by startedAt), or undefined. */
export function latestAeroRun(dir) {
  const runs = join(dir, '.aero', 'runs');
  if (!existsSync(runs)) return undefined;
  let best;
  for (const id of readdirSync(runs)) {
    const file = join(runs, id, 'run.json');
    if (!existsSync(file)) continue;
    const record = JSON.parse(readFileSync(file, 'utf8'));
    if (!best || record.startedAt > best.startedAt || (record.startedAt === best.startedAt && statSync(file).mtimeMs > best.mtime)) best = { ...record, mtime: statSync(file).mtimeMs };
  }
  return best;
}

/** Checks what a finished step must have left behind; returns a problem or undefined. */
function verifier(tool, dir, n, step) {
  if (tool === 'aero') {
    if (step === 'plan') return undefined;
    return () => {
      const record = latestAeroRun(dir);
      if (!record) return 'no run record under .aero/runs';
      const want = step === 'run' ? 'ran' : 'cached';
      const got = record.counts?.[want] ?? 0;
      if (record.status !== 'succeeded' || got !== n) return `run ${record.id}: status ${record.status}, ${want}=${got} (expected ${n}): ${JSON.stringify(record.counts)}`;
      return undefined;
    };
  }
  if (step === 'plan') return undefined;
  const outputs = tools[tool].outputs(n);
  return () => {
    const missing = outputs.filter((f) => !existsSync(join(dir, f)));
    return missing.length ? `${missing.length} of ${n} outputs missing after the run (e.g. ${missing[0]})` : undefined;
  };
}

/**
 * A workload for one tool, measured over rounds (the caller interleaves tools), each round in
 * a fresh directory: plan (dry run, when the tool has one) → full run → no-op rerun. A step
 * that hits the cap or fails is not measured again in later rounds.
 */
export function newWorkloadMetrics(tool, steps) {
  const metrics = Object.fromEntries(steps.map((s) => [s, newMetric()]));
  if (!tools[tool].hasPlan && metrics.plan) {
    metrics.plan.status = 'n/a';
    metrics.plan.note = `${tools[tool].label} has no dry run`;
  }
  return metrics;
}

/** One round of one tool on one workload, adding to `metrics` (see newWorkloadMetrics). */
export async function runWorkloadRound({ tool, n, shape, steps, metrics, round, rounds, capMs, onceOverMs = Infinity, jobs, workDir, prefectHome, bin, log }) {
  const t = tools[tool];
  if (!steps.some((s) => metrics[s].status === 'ok')) return metrics;
  // A tool whose first round took longer than onceOverMs in all is measured once: its
  // medians are single samples (marked in the table), which keeps the whole suite to hours.
  const firstRound = steps.reduce((sum, s) => sum + (metrics[s].ms[0] ?? 0), 0);
  if (round > 0 && firstRound > onceOverMs) {
    if (!metrics.single) log(`  ${tool} ${shape} ${n}: first round took ${formatMs(firstRound)}, measured once`);
    metrics.single = true;
    return metrics;
  }
  const dir = join(workDir, `${tool}-${shape}-${n}`);
  rmSync(dir, { recursive: true, force: true });
  const ctx = { n, shape, jobs, bin, prefectHome: prefectHome ?? join(workDir, 'prefect-home') };
  t.setup(dir, ctx);
  if (t.init) for (const s of dvcInitSteps(dir)) await run(s.cmd, s.args, s);
  // Prefect's result cache lives with the workload, so a fresh round starts cold.
  const env = tool === 'prefect' ? { PREFECT_LOCAL_STORAGE_PATH: join(dir, '.prefect-results') } : {};
  for (const step of steps) {
    const m = metrics[step];
    if (m.status !== 'ok') {
      if (step === 'plan') continue; // n/a, or failed earlier: the run still tells something
      break;
    }
    const spec = (step === 'plan' ? t.plan : t.run)(dir, ctx);
    log(`  ${tool} ${shape} ${n} ${step} (round ${round + 1}/${rounds})`);
    const done = await measureStep(m, { ...spec, env: { ...(spec.env ?? {}), ...env } }, { capMs, verify: verifier(tool, dir, n, step) });
    if (done) {
      log(`    → ${formatMs(m.ms.at(-1))} (CPU ${formatMs(m.cpuMs.at(-1))}), ${formatKb(m.rssKb.at(-1))}`);
      continue;
    }
    log(`    → ${m.status}: ${m.note}`);
    if (step === 'plan') continue;
    if (step === 'run' && metrics.noop?.status === 'ok') {
      metrics.noop.status = 'n/a';
      metrics.noop.note = 'full run did not finish';
    }
    break;
  }
  rmSync(dir, { recursive: true, force: true });
  return metrics;
}
