import { ApiPaths, type ArtifactInfo, type InstanceRow, type LogPage, type MetricsPage, type Preview, type RunDetail } from '../../src/shared/api-types.js';
import { ApiError, get, has } from '../api.js';
import { badge, clear, formatDuration, formatTime, formatValue, h, link, section } from '../dom.js';
import { drawGraph, type GraphNode } from '../graph.js';
import type { Page } from '../router.js';
import { groupByMetric, metricCharts, type ChartState } from './metrics-section.js';
import { timingChart, type TimedInstance } from '../timing-chart.js';

/** Rows of the timing chart (22 px each): beyond this, the first ones and a note. */
const MAX_TIMING_ROWS = 500;

/** Above this many instances the DAG shows one node per action (with counts), not per instance. */
const MAX_GRAPH_NODES = 300;

const charts: ChartState = { smoothing: 0, log: false };

export const runPage: Page = async (root, ctx) => {
  const id = ctx.params[0]!;
  let selectedLog: string | undefined;
  const render = async (): Promise<boolean> => {
    const [detail, metrics] = await Promise.all([get<RunDetail>(ApiPaths.run(id)), get<MetricsPage>(ApiPaths.metrics(id))]);
    clear(root);
    root.append(
      h('div', { class: 'toolbar' }, h('h1', null, detail.name), badge(detail.status), detail.sweepId && has(ApiPaths.sweep(detail.sweepId)) ? link(`#/sweep/${encodeURIComponent(detail.sweepId)}`, `sweep ${detail.sweepId}`) : null),
      summary(detail),
      dagSection(detail, (instance) => {
        selectedLog = instance;
        void showLog(logs, detail, instance);
      }),
      timingSection(detail),
      section('Metrics', metricCharts(groupByMetric(metrics), charts)),
      paramsSection(detail),
    );
    const logs = logsSection(detail, selectedLog, (i) => (selectedLog = i));
    root.append(logs, artifactsSection(detail));
    return detail.status === 'running';
  };
  const live = await render();
  ctx.poll(live, render);
};

function summary(d: RunDetail): HTMLElement {
  const row = (k: string, v: string | Node) => [h('dt', null, k), h('dd', null, v)];
  return section(
    'Run',
    h(
      'dl',
      { class: 'facts' },
      ...row('id', h('span', { class: 'mono' }, d.id)),
      ...row('started', formatTime(d.startedAt)),
      ...row('duration', formatDuration(d.durationMs)),
      ...row('git', `${d.git.commit ?? '(not a git checkout)'}${d.git.dirty ? ' (dirty)' : ''}${d.git.branch ? ` on ${d.git.branch}` : ''}`),
      ...row('launcher', `${d.launcher}${d.dev ? ' (dev)' : ''} on ${d.host}`),
      ...row('overrides', d.overrides.length ? d.overrides.join(' ') : '(none)'),
    ),
  );
}

function dagSection(d: RunDetail, onPick: (instance: string) => void): HTMLElement {
  const body = h('div');
  const legend = h('div', { class: 'legend' }, ...['ran', 'cached', 'failed', 'skipped', 'interrupted', 'pending'].map((s) => h('span', { class: `node-${s} swatch` }, s)));
  if (d.instances.length === 0) body.append(h('p', { class: 'empty' }, 'This run has no actions.'));
  else if (d.instances.length <= MAX_GRAPH_NODES) {
    const nodes: GraphNode[] = d.instances.map((i) => ({ id: i.id, label: i.id, sub: `${i.status} · ${formatDuration(i.durationMs)}`, kind: i.status, title: i.error ?? i.reason ?? `${i.id}: ${i.status}` }));
    drawGraph(body, nodes, d.edges, onPick);
  } else {
    // One node per action: the worst status wins its colour.
    const byAction = new Map<string, InstanceRow[]>();
    for (const i of d.instances) byAction.set(i.action, [...(byAction.get(i.action) ?? []), i]);
    const order = ['failed', 'interrupted', 'running', 'pending', 'skipped', 'ran', 'cached'];
    const nodes: GraphNode[] = [...byAction].map(([action, list]) => {
      const counts = new Map<string, number>();
      for (const i of list) counts.set(i.status, (counts.get(i.status) ?? 0) + 1);
      const kind = order.find((s) => counts.has(s)) ?? 'ran';
      return { id: action, label: `${action} ×${list.length}`, sub: [...counts].map(([s, n]) => `${n} ${s}`).join(', '), kind };
    });
    const actionOf = new Map(d.instances.map((i) => [i.id, i.action]));
    const edges = [...new Set(d.edges.map(([a, b]) => `${actionOf.get(a)}\u0000${actionOf.get(b)}`))].map((e) => e.split('\u0000') as [string, string]).filter(([a, b]) => a !== b);
    body.append(h('p', { class: 'muted' }, `${d.instances.length} instances, shown as one node per action.`));
    drawGraph(body, nodes, edges);
  }
  return section('DAG', legend, body);
}

/** Gantt chart (uPlot, timing-chart.ts): one bar per instance, placed at its start and as long as it took. */
function timingSection(d: RunDetail): HTMLElement {
  const timed: TimedInstance[] = d.instances.flatMap((i) => (i.start !== null && i.end !== null ? [{ id: i.id, status: i.status, start: i.start, end: i.end, estimated: i.estimated }] : []));
  const total = Math.max(1, d.durationMs ?? 0, ...timed.map((i) => i.end));
  const notes = [
    timed.some((i) => i.estimated) ? h('p', { class: 'muted' }, 'Hatched bars: the store has no finish time for them; they are placed after their inputs were produced.') : null,
    timed.length > MAX_TIMING_ROWS ? h('p', { class: 'muted' }, `The first ${MAX_TIMING_ROWS} of ${timed.length} instances.`) : null,
  ];
  const wrap = section('Timing', ...notes);
  if (timed.length === 0) wrap.append(h('p', { class: 'empty' }, 'No timings yet.'));
  // uPlot measures its holder: draw once the section is in the page.
  else requestAnimationFrame(() => timingChart(wrap, timed.slice(0, MAX_TIMING_ROWS), total));
  return wrap;
}

function paramsSection(d: RunDetail): HTMLElement {
  return section(
    'Params and config',
    h('div', { class: 'two' }, h('div', null, h('h3', null, 'params'), h('pre', { class: 'code', 'data-params': '' }, JSON.stringify(d.params, null, 2))), h('div', null, h('h3', null, 'config snapshot'), h('pre', { class: 'code' }, JSON.stringify(d.config, null, 2)))),
    d.sources.length ? h('p', { class: 'muted' }, `snapshot sources: ${d.sources.join(', ')}`) : null,
  );
}

function logsSection(d: RunDetail, selected: string | undefined, onSelect: (i: string) => void): HTMLElement {
  const withLogs = d.instances.filter((i) => i.hasLog || i.error);
  const wrap = section('Logs');
  wrap.id = 'logs';
  if (withLogs.length === 0) {
    wrap.append(h('p', { class: 'empty' }, 'No instance wrote a log.'));
    return wrap;
  }
  const select = h('select', { 'aria-label': 'instance', on: { change: () => { onSelect(select.value); void showLog(wrap, d, select.value); } } }, ...withLogs.map((i) => h('option', { value: i.id }, `${i.id} (${i.status})`)));
  const first = selected && withLogs.some((i) => i.id === selected) ? selected : (withLogs.find((i) => i.status === 'failed') ?? withLogs[0]!).id;
  select.value = first;
  wrap.append(select, h('pre', { class: 'log' }));
  void showLog(wrap, d, first);
  return wrap;
}

async function showLog(wrap: HTMLElement, d: RunDetail, instance: string): Promise<void> {
  const pre = wrap.querySelector('pre.log');
  const select = wrap.querySelector('select');
  if (!pre) return;
  if (select && select.value !== instance && [...select.options].some((o) => o.value === instance)) select.value = instance;
  const inst = d.instances.find((i) => i.id === instance);
  try {
    const log = await get<LogPage>(ApiPaths.log(d.id, instance));
    pre.textContent = `${log.truncated ? '[… earlier lines cut]\n' : ''}${log.text || '(empty log)'}${inst?.error ? `\n${inst.error}` : ''}`;
  } catch (error) {
    pre.textContent = inst?.error ?? (error as Error).message;
  }
}

function artifactsSection(d: RunDetail): HTMLElement {
  const preview = h('div', { class: 'preview' });
  if (d.artifacts.length === 0) return section('Artifacts', h('p', { class: 'empty' }, 'No outputs recorded.'));
  const rows = d.artifacts.map((a) =>
    h(
      'tr',
      null,
      h('td', { class: 'mono' }, a.name),
      h('td', { class: 'mono' }, has(ApiPaths.lineage(`${a.name}@${a.digest}`)) ? link(`#/lineage/${encodeURIComponent(`${a.name}@${a.digest}`)}`, a.digest.slice(0, 12)) : a.digest.slice(0, 12)),
      h('td', null, a.handler),
      h('td', { class: 'mono' }, a.producer),
      h('td', null, ...a.files.slice(0, 20).map((f) => h('button', { type: 'button', class: 'file', on: { click: () => void showPreview(preview, a, f.path) } }, `${f.path} (${f.size} B)`)), a.files.length > 20 ? `… ${a.files.length - 20} more` : null),
    ),
  );
  return section('Artifacts', h('div', { class: 'table-wrap' }, h('table', null, h('thead', null, h('tr', null, ...['artifact', 'version', 'handler', 'produced by', 'files'].map((t) => h('th', null, t)))), h('tbody', null, ...rows))), preview);
}

async function showPreview(holder: HTMLElement, a: ArtifactInfo, path: string): Promise<void> {
  clear(holder);
  holder.append(h('h3', null, `${a.name} / ${path}`));
  let p: Preview;
  try {
    p = await get<Preview>(ApiPaths.preview(a.name, a.digest, path));
  } catch (error) {
    holder.append(h('p', { class: 'empty' }, error instanceof ApiError ? error.message : String(error)));
    return;
  }
  holder.append(renderPreview(p));
}

export function renderPreview(p: Preview): HTMLElement {
  switch (p.kind) {
    case 'text':
    case 'json':
      return h('pre', { class: 'code' }, p.text, p.truncated ? '\n[… cut]' : '');
    case 'csv':
      return h('div', { class: 'table-wrap' }, h('table', { class: 'csv' }, h('tbody', null, ...p.rows.map((r, i) => h('tr', null, ...r.map((c) => h(i === 0 ? 'th' : 'td', null, c)))))), p.truncated ? h('p', { class: 'muted' }, 'first rows only') : null);
    case 'image':
      return h('img', { src: `data:image/png;base64,${p.base64}`, alt: 'artifact image', class: 'thumb' });
    case 'handler':
      return h(
        'div',
        { class: 'two' },
        h('dl', { class: 'facts' }, ...Object.entries(p.summary).flatMap(([k, v]) => [h('dt', null, k), h('dd', null, formatValue(v))])),
        p.pngBase64 ? h('img', { src: `data:image/png;base64,${p.pngBase64}`, alt: `${p.handler} thumbnail`, class: 'thumb pixelated' }) : h('span'),
      );
    case 'none':
      return h('p', { class: 'empty' }, p.reason);
  }
}
