import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { NonFiniteMarker } from '../src/shared/non-finite.js';
import { h } from './dom.js';
import { drawMarks, legendValue, marksByStep, marksNote, type StepMarks } from './non-finite-marks.js';

export interface LineSeries {
  label: string;
  steps: number[];
  /** `null`: a NaN or ±Infinity point, drawn as a gap and marked (see `nonFinite`). */
  values: Array<number | null>;
  /** Index → which non-finite value a `null` stands for (MetricSeries.nonFinite). */
  nonFinite?: Record<string, NonFiniteMarker>;
}

export interface LineOptions {
  title: string;
  /** Exponential moving average weight, 0 (raw) to 0.99. */
  smoothing: number;
  log: boolean;
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

export const color = (i: number): string => PALETTE[i % PALETTE.length]!;

/** EMA like TensorBoard's: gaps stay gaps, the first point starts the average. */
export function smooth(values: Array<number | null>, weight: number): Array<number | null> {
  if (weight <= 0) return values;
  let last: number | null = null;
  return values.map((v) => {
    if (v === null) return null;
    last = last === null ? v : last * weight + (1 - weight) * v;
    return last;
  });
}

function widthOf(el: HTMLElement): number {
  return Math.max(320, Math.floor(el.getBoundingClientRect().width || 640) - 8);
}

/**
 * One metric over steps, one line per series (instances or runs), drawn by uPlot on a
 * canvas. Series with different steps are aligned with uPlot.join: where a series has no
 * point at a step (`undefined`) its line goes on, where its point is NaN or ±Infinity
 * (`null`) the line breaks and non-finite-marks.ts marks the point. The server already
 * thinned each series (LTTB) to a few thousand points.
 */
export function lineChart(parent: HTMLElement, series: LineSeries[], options: LineOptions): uPlot {
  const holder = h('div', { class: 'chart', 'data-chart': options.title });
  parent.append(holder);
  const tables: uPlot.AlignedData[] = series.map((s) => {
    let ys: Array<number | null | undefined> = smooth(s.values, options.smoothing);
    // A finite value at or below 0 has no place on a log axis: skipped, the line goes on.
    if (options.log) ys = ys.map((v) => (v === null || v === undefined ? v : v > 0 ? v : undefined));
    return [s.steps, ys] as uPlot.AlignedData;
  });
  const marks: StepMarks = [new Map(), ...series.map((s) => marksByStep(s.steps, s.nonFinite))];
  const data = tables.length === 1 ? tables[0]! : uPlot.join(tables);
  const opts: uPlot.Options = {
    title: options.title,
    width: widthOf(holder),
    height: 240,
    scales: { x: { time: false }, y: options.log ? { distr: 3 } : {} },
    axes: [{ label: 'step' }, {}],
    // spanGaps off: only `null` (a non-finite point) breaks a line; `undefined` never does.
    series: [{ label: 'step' }, ...series.map((s, i) => ({ label: s.label, stroke: color(i), width: 1.5, spanGaps: false, value: legendValue(marks), points: { show: s.steps.length < 60 } }))],
    cursor: { drag: { x: true, y: false } },
    hooks: { draw: [drawMarks(holder, marks)] },
  };
  const plot = new uPlot(opts, data, holder);
  holder.dataset.points = String(series.reduce((n, s) => n + s.steps.length, 0));
  const note = marksNote(series.map((s) => s.label), marks);
  if (note) holder.append(note);
  return plot;
}

/** Objective per trial: x is the trial number. */
export function trialChart(parent: HTMLElement, title: string, values: Array<number | null>): uPlot {
  const holder = h('div', { class: 'chart', 'data-chart': title });
  parent.append(holder);
  const xs = values.map((_, i) => i + 1);
  let best: number | null = null;
  const running = values.map((v) => (v === null ? best : (best = best === null ? v : Math.min(best, v))));
  return new uPlot(
    {
      title,
      width: widthOf(holder),
      height: 240,
      scales: { x: { time: false } },
      axes: [{ label: 'trial' }, {}],
      series: [{ label: 'trial' }, { label: title, stroke: color(0), width: 0, points: { show: true, size: 7, fill: color(0) } }, { label: 'best so far (min)', stroke: color(2), width: 1.5, dash: [4, 4] }],
    },
    [xs, values, running] as uPlot.AlignedData,
    holder,
  );
}

/**
 * Parallel coordinates with uPlot: x is the axis index (each param, then the objective),
 * each trial one line through its values scaled to 0..1 per axis; categorical values are
 * spread by their order. The axis names are the x tick labels.
 */
export function parallelChart(parent: HTMLElement, axes: string[], rows: Array<Array<unknown>>, colorBy: Array<number | null>): uPlot {
  const holder = h('div', { class: 'chart', 'data-chart': 'parallel coordinates' });
  parent.append(holder);
  const scaled = axes.map((_, a) => scaleAxis(rows.map((r) => r[a])));
  const finite = colorBy.filter((v): v is number => v !== null);
  const [lo, hi] = [Math.min(...finite), Math.max(...finite)];
  const shade = (v: number | null) => (v === null || hi === lo ? color(0) : `hsl(${Math.round(220 - ((v - lo) / (hi - lo)) * 220)}, 70%, 45%)`);
  const xs = axes.map((_, i) => i);
  return new uPlot(
    {
      title: 'parallel coordinates (colour: objective, blue = low)',
      width: widthOf(holder),
      height: 280,
      legend: { show: false },
      scales: { x: { time: false, range: [-0.2, axes.length - 0.8] }, y: { range: [-0.05, 1.05] } },
      axes: [{ values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? axes[t] ?? '' : '')), splits: () => xs, grid: { show: true } }, { values: (_u, ticks) => ticks.map(() => '') }],
      series: [{}, ...rows.map((_, i) => ({ label: `trial ${i + 1}`, stroke: shade(colorBy[i] ?? null), width: 1.5 }))],
    },
    [xs, ...rows.map((_, i) => scaled.map((axis) => axis[i] ?? null))] as uPlot.AlignedData,
    holder,
  );
}

function scaleAxis(values: unknown[]): Array<number | null> {
  if (values.every((v) => typeof v === 'number' || v === undefined || v === null)) {
    const nums = values.filter((v): v is number => typeof v === 'number');
    const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
    return values.map((v) => (typeof v === 'number' ? (hi === lo ? 0.5 : (v - lo) / (hi - lo)) : null));
  }
  const cats = [...new Set(values.map((v) => JSON.stringify(v)))].sort();
  return values.map((v) => (cats.length === 1 ? 0.5 : cats.indexOf(JSON.stringify(v)) / (cats.length - 1)));
}
