import { ApiPaths, type MetricsPage, type RunDetail } from '../../src/shared/api-types.js';
import type { LineSeries } from '../charts.js';
import { get } from '../api.js';
import { badge, formatValue, h, link, section } from '../dom.js';
import type { Page } from '../router.js';
import { flattenParams } from '../../src/shared/params.js';
import { metricCharts, type ChartState } from './metrics-section.js';

const charts: ChartState = { smoothing: 0, log: false };

/** Several runs side by side: their metrics overlaid, and a diff of their params. */
export const comparePage: Page = async (root, ctx) => {
  const ids = (ctx.params[0] ?? '').split(',').filter(Boolean);
  const runs = await Promise.all(ids.map((id) => Promise.all([get<RunDetail>(ApiPaths.run(id)), get<MetricsPage>(ApiPaths.metrics(id))])));
  const groups = new Map<string, LineSeries[]>();
  for (const [detail, metrics] of runs) {
    const instancesPerName = new Map<string, number>();
    for (const s of metrics.series) instancesPerName.set(s.name, (instancesPerName.get(s.name) ?? 0) + 1);
    for (const s of metrics.series) {
      const label = (instancesPerName.get(s.name) ?? 0) > 1 ? `${detail.name} · ${s.instance || 'run'}` : detail.name;
      groups.set(s.name, [...(groups.get(s.name) ?? []), { label, steps: s.steps, values: s.values, nonFinite: s.nonFinite }]);
    }
  }
  const flat = runs.map(([d]) => flattenParams(d.params));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  const onlyDiff = h('input', { type: 'checkbox', 'aria-label': 'only differences', on: { change: () => drawDiff() } });
  onlyDiff.checked = true;
  const diff = h('div', { class: 'table-wrap' });
  function drawDiff(): void {
    const rows = keys
      .map((k) => ({ k, values: flat.map((f) => f[k]), differs: new Set(flat.map((f) => JSON.stringify(f[k]))).size > 1 }))
      .filter((r) => r.differs || !onlyDiff.checked);
    diff.replaceChildren(
      rows.length
        ? h('table', { class: 'diff' }, h('thead', null, h('tr', null, h('th', null, 'param'), ...runs.map(([d]) => h('th', null, d.name)))), h('tbody', null, ...rows.map((r) => h('tr', { class: r.differs ? 'differs' : undefined }, h('td', { class: 'mono' }, r.k), ...r.values.map((v) => h('td', { class: 'param' }, v === undefined ? '(unset)' : formatValue(v)))))))
        : h('p', { class: 'empty' }, 'The params are the same in every selected run.'),
    );
  }
  drawDiff();
  root.append(
    h('div', { class: 'toolbar' }, h('h1', null, `Compare ${runs.length} runs`), ...runs.map(([d]) => h('span', null, badge(d.status), ' ', link(`#/run/${encodeURIComponent(d.id)}`, d.name)))),
    section('Params diff', h('label', null, onlyDiff, ' only differences'), diff),
    section('Metrics', metricCharts(groups, charts)),
  );
  ctx.poll(runs.some(([d]) => d.status === 'running'), async () => {
    location.reload();
    return false;
  });
};
