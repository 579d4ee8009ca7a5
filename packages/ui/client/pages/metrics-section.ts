import type { MetricsPage } from '../../src/shared/api-types.js';
import { lineChart, type LineSeries } from '../charts.js';
import { clear, h } from '../dom.js';

export interface ChartState {
  smoothing: number;
  log: boolean;
}

/** Shared by the run and compare pages: smoothing and log-scale controls over one chart per metric. */
export function metricCharts(groups: Map<string, LineSeries[]>, state: ChartState): HTMLElement {
  const charts = h('div', { class: 'charts' });
  const label = h('span', { class: 'mono' }, state.smoothing.toFixed(2));
  const slider = h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: state.smoothing, 'aria-label': 'smoothing', on: { input: () => { state.smoothing = Number(slider.value); label.textContent = state.smoothing.toFixed(2); draw(); } } });
  const log = h('input', { type: 'checkbox', 'aria-label': 'log scale', on: { change: () => { state.log = log.checked; draw(); } } });
  log.checked = state.log;
  const controls = h('div', { class: 'toolbar' }, h('label', null, 'smoothing ', slider, ' ', label), h('label', null, log, ' log scale'));
  const wrap = h('div', null, controls, charts);
  function draw(): void {
    clear(charts);
    if (groups.size === 0) {
      charts.append(h('p', { class: 'empty' }, 'No metrics logged (log.metric() / log.metrics() in an action, or lines in $AERO_METRICS_FILE).'));
      return;
    }
    for (const [name, series] of [...groups].sort(([a], [b]) => a.localeCompare(b))) lineChart(charts, series, { title: name, smoothing: state.smoothing, log: state.log });
  }
  // Charts measure their container, so draw once it is in the document.
  requestAnimationFrame(draw);
  return wrap;
}

/** Metric name → one series per instance (run-level metrics under `run`). */
export function groupByMetric(page: MetricsPage, prefix = ''): Map<string, LineSeries[]> {
  const out = new Map<string, LineSeries[]>();
  for (const s of page.series) {
    const list = out.get(s.name) ?? [];
    list.push({ label: `${prefix}${s.instance || 'run'}`, steps: s.steps, values: s.values, nonFinite: s.nonFinite });
    out.set(s.name, list);
  }
  return out;
}
