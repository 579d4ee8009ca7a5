// One row of a side-by-side table: a tool on a workload, with per-step samples.
import { measure } from '../lib/measure.mjs';
import { median } from '../lib/report.mjs';

/**
 * A step's samples. status: ok (every round finished), capped (a round hit the time cap;
 * later rounds are skipped), failed (non-zero exit or wrong outputs), n/a (the tool has
 * no such step).
 */
export function newMetric() {
  return { status: 'ok', ms: [], cpuMs: [], rssKb: [], note: undefined };
}

export function summarize(metric) {
  return { ...metric, medianMs: median(metric.ms), medianCpuMs: median(metric.cpuMs ?? []), medianRssKb: median(metric.rssKb) };
}

/**
 * Measures one step into `metric`. Returns false when the step did not finish properly
 * (the metric is marked capped/failed with a note) so the caller stops this round.
 */
export async function measureStep(metric, step, { capMs, verify }) {
  const r = await measure(step.cmd, step.args, { cwd: step.cwd, env: step.env, timeoutMs: capMs });
  if (r.timedOut) {
    metric.status = 'capped';
    metric.capS = capMs / 1000;
    metric.note = `did not finish within the ${capMs / 1000} s cap`;
    return false;
  }
  if (r.code !== 0) {
    metric.status = 'failed';
    metric.note = firstError(r.stderr || r.stdout) || `exit code ${r.code ?? r.signal}`;
    return false;
  }
  if (verify) {
    const problem = await verify();
    if (problem) {
      metric.status = 'failed';
      metric.note = problem;
      return false;
    }
  }
  metric.ms.push(r.ms);
  if (r.cpuMs !== undefined) metric.cpuMs.push(r.cpuMs);
  if (r.peakRssKb !== undefined) metric.rssKb.push(r.peakRssKb);
  return true;
}

/** The most telling line of a tool's error output. */
export function firstError(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const hit = lines.find((l) => /^(ERROR|Error|\[aero\]|RuntimeError|RecursionError|Traceback)|Exception|error:/.test(l) && !/^Traceback/.test(l));
  return (hit ?? lines.at(-1) ?? '').slice(0, 300);
}

/** The cap a step was killed at (older results only have it in their note), else `fallback`. */
export function capOf(metric, fallback) {
  if (metric?.capS !== undefined) return metric.capS;
  const m = /within the (\d+) s cap/.exec(metric?.note ?? '');
  return m ? Number(m[1]) : fallback;
}
