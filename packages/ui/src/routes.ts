import type { Aero } from '@aeroml/core';
import { manifestFile, previewFile } from './data/artifacts.js';
import { lineageGraph } from './data/lineage.js';
import { logPage, metricsPage } from './data/metrics.js';
import { runDetail, runsPage } from './data/runs.js';
import { sweepPage } from './data/sweep.js';

export type ApiAnswer = { status: 200; body: unknown } | { status: 404; body: { error: { code: string; message: string; hint?: string } } };

const notFound = (message: string): ApiAnswer => ({ status: 404, body: { error: { code: 'NOT_FOUND', message } } });

/**
 * Answers one API path (already split into decoded segments after `/api/`). Every route
 * only reads, through @aeroml/core's queries. The same function fills a report's data.
 */
export async function answerApi(aero: Aero, segments: string[]): Promise<ApiAnswer> {
  const [head, a, b, c, d, ...rest] = segments;
  const ok = (body: unknown): ApiAnswer => ({ status: 200, body });
  if (head === 'runs' && a === undefined) return ok(await runsPage(aero));
  if (head === 'runs' && a !== undefined && b === undefined) return ok(await runDetail(aero, a));
  if (head === 'runs' && a !== undefined && b === 'metrics' && c === undefined) return ok(await metricsPage(aero, a));
  if (head === 'runs' && a !== undefined && b === 'logs' && c !== undefined && d === undefined) return ok(await logPage(aero, a, c));
  if (head === 'artifacts' && a !== undefined && b !== undefined && c === 'preview' && d !== undefined && rest.length === 0) {
    const found = await manifestFile(aero, a, b, d);
    if ('missing' in found) {
      return notFound(found.missing === 'artifact' ? `No artifact ${a}@${b.slice(0, 12)} in the store (\`aero artifacts\` lists the versions there are).` : `Artifact ${a}@${b.slice(0, 12)} has no file \`${d}\`.`);
    }
    return ok(await previewFile(aero, found.manifest, found.file));
  }
  if (head === 'lineage' && a !== undefined && b === undefined) return ok(await lineageGraph(aero, a));
  if (head === 'sweeps' && a !== undefined && b === undefined) return ok(await sweepPage(aero, a));
  return notFound(`No such API route: /api/${segments.map(encodeURIComponent).join('/')}.`);
}
