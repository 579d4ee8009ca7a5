import { ApiPaths, type SweepPage } from '../../src/shared/api-types.js';
import { get, has } from '../api.js';
import { badge, clear, formatValue, h, link, section } from '../dom.js';
import { parallelChart, trialChart } from '../charts.js';
import type { Page } from '../router.js';
import { markerLabel, type NonFiniteMarker } from '../../src/shared/non-finite.js';

/** A sweep (`aero run -m`): the objective per trial and the params as parallel coordinates. */
export const sweepPage: Page = async (root, ctx) => {
  const id = ctx.params[0]!;
  const sweep = await get<SweepPage>(ApiPaths.sweep(id));
  const objective = h('select', { 'aria-label': 'objective', on: { change: () => draw() } }, ...sweep.metricKeys.map((k) => h('option', { value: k }, k)));
  const chartsHolder = h('div', { class: 'charts' });
  const table = h('table', null, h('thead', null, h('tr', null, h('th', null, '#'), h('th', null, 'trial'), h('th', null, 'status'), ...sweep.paramKeys.map((k) => h('th', null, k)), ...sweep.metricKeys.map((k) => h('th', null, k)))), h('tbody', null, ...sweep.trials.map((t, i) => h('tr', null, h('td', { class: 'num' }, i + 1), h('td', null, has(ApiPaths.run(t.id)) ? link(`#/run/${encodeURIComponent(t.id)}`, t.name) : t.name), h('td', null, badge(t.status)), ...sweep.paramKeys.map((k) => h('td', { class: 'param' }, formatValue(t.params[k]))), ...sweep.metricKeys.map((k) => h('td', { class: 'num' }, metricText(t.metrics[k], t.nonFinite?.[k])))))));
  root.append(h('div', { class: 'toolbar' }, h('h1', null, `Sweep ${id}`), h('span', { class: 'muted' }, `${sweep.trials.length} trials`)), section('Objective', h('label', null, 'objective ', objective), chartsHolder), section('Trials', h('div', { class: 'table-wrap' }, table)));
  function draw(): void {
    clear(chartsHolder);
    const key = objective.value;
    if (!key) {
      chartsHolder.append(h('p', { class: 'empty' }, 'The trials logged no metrics to compare.'));
      return;
    }
    const values = sweep.trials.map((t) => t.metrics[key] ?? null);
    trialChart(chartsHolder, key, values);
    if (sweep.paramKeys.length > 0) parallelChart(chartsHolder, [...sweep.paramKeys, key], sweep.trials.map((t) => [...sweep.paramKeys.map((k) => t.params[k]), t.metrics[key] ?? null]), values);
  }
  requestAnimationFrame(draw);
  ctx.poll(sweep.trials.some((t) => t.status === 'running'), async () => {
    location.reload();
    return false;
  });
};

/** A last value: "NaN"/"+Inf"/"-Inf" where the run record's `null` stands for one, else the number. */
function metricText(value: number | null | undefined, marker: NonFiniteMarker | undefined): string {
  if (marker) return markerLabel(marker);
  return value === null ? '–' : formatValue(value);
}
