import type { Aero } from '@aeroml/core';
import { clientAssets } from './assets.js';
import { previewFile } from './data/artifacts.js';
import { lineageGraph } from './data/lineage.js';
import { logPage, metricsPage } from './data/metrics.js';
import { runDetail, runsPage } from './data/runs.js';
import { sweepPage } from './data/sweep.js';
import { UiErrorCodes, uiError } from './errors.js';
import { reportPage } from './html.js';
import { ApiPaths, type RunDetail } from './shared/api-types.js';

export interface ReportOptions {
  /** Runs to include (ids, unique prefixes, names or `latest`). Default: the latest run. */
  runs?: string[];
}

/** Budgets that keep a report small enough to mail and attach to CI (a 100-action run stays well under 2 MB). */
const REPORT_POINTS = 1_000;
const LOG_BYTES = 20_000;
const PREVIEW_BUDGET = 600_000;
const PREVIEW_FILE_MAX = 100_000;
/** Lineage graphs repeat the whole history of each output; a long chain would dominate the file. */
const LINEAGE_BUDGET = 300_000;

/**
 * The data of a report: the answers the UI's API would give for the chosen runs, keyed by
 * their API path, so the same browser client renders a report and the live UI.
 */
export async function reportData(aero: Aero, options: ReportOptions = {}): Promise<Record<string, unknown>> {
  const { getRun } = await import('@aeroml/core');
  const refs = options.runs && options.runs.length > 0 ? options.runs : ['latest'];
  const runs = [];
  for (const ref of refs) runs.push(await getRun(aero, ref)); // RUN_NOT_FOUND names the bad one
  const ids = new Set(runs.map((r) => r.id));
  const data: Record<string, unknown> = {};
  data[ApiPaths.runs()] = { ...(await runsPage(aero, ids)), live: false };
  let previewBytes = 0;
  let lineageBytes = 0;
  for (const run of runs) {
    const detail: RunDetail = await runDetail(aero, run.id);
    data[ApiPaths.run(run.id)] = detail;
    data[ApiPaths.metrics(run.id)] = await metricsPage(aero, run.id, REPORT_POINTS);
    for (const inst of detail.instances.filter((i) => i.hasLog)) {
      const log = await logPage(aero, run.id, inst.id);
      const cut = log.text.length > LOG_BYTES;
      data[ApiPaths.log(run.id, inst.id)] = { ...log, text: cut ? log.text.slice(-LOG_BYTES) : log.text, truncated: log.truncated || cut };
    }
    for (const artifact of detail.artifacts) {
      if (lineageBytes < LINEAGE_BUDGET) {
        const ref = `${artifact.name}@${artifact.digest}`;
        const graph = await lineageGraph(aero, ref);
        lineageBytes += JSON.stringify(graph).length;
        data[ApiPaths.lineage(ref)] = graph;
      }
      for (const file of artifact.files) {
        if (file.size > PREVIEW_FILE_MAX || previewBytes + file.size > PREVIEW_BUDGET) continue;
        const manifest = await aero.artifacts.getManifest(artifact.name, artifact.digest);
        const entry = manifest.files.find((f) => f.path === file.path)!;
        const preview = await previewFile(aero, manifest, entry);
        previewBytes += JSON.stringify(preview).length;
        data[ApiPaths.preview(artifact.name, artifact.digest, file.path)] = preview;
      }
    }
    if (run.sweepId && !(ApiPaths.sweep(run.sweepId) in data)) data[ApiPaths.sweep(run.sweepId)] = await sweepPage(aero, run.sweepId);
  }
  return data;
}

/** One self-contained HTML file for `runs`: scripts, styles and data inline, no request made. */
export async function buildReport(aero: Aero, options: ReportOptions = {}): Promise<string> {
  const data = await reportData(aero, options);
  const { js, css } = clientAssets();
  return reportPage(`${aero.project} · aero report`, js, css, data);
}

/** Writes the report atomically to `out` (absolute path); returns its size in bytes. */
export async function writeReport(aero: Aero, out: string, options: ReportOptions = {}): Promise<number> {
  const html = await buildReport(aero, options);
  const { writeFileAtomic } = await import('@aeroml/core');
  try {
    await writeFileAtomic(out, html);
  } catch (cause) {
    throw uiError(UiErrorCodes.REPORT_WRITE_FAILED, `Cannot write the report to ${out}: ${(cause as Error).message}.`, {
      cause,
      hint: 'Check that the folder exists and is writable, or write elsewhere: aero report --out report.html',
    });
  }
  return Buffer.byteLength(html);
}
