import uPlot from 'uplot';
import { h } from './dom.js';

export interface TimedInstance {
  id: string;
  status: string;
  /** Milliseconds after the run started. */
  start: number;
  end: number;
  /** Placed from the DAG (the store has no finish time): drawn hatched. */
  estimated: boolean;
}

const STATUSES = ['ran', 'cached', 'failed', 'skipped', 'interrupted', 'running', 'pending'];
const ROW_PX = 22;

/** The status colours of style.css (--ran, --cached …), so the chart matches the DAG's legend. */
function statusColor(status: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(`--${status}`).trim();
  return value || '#6b7280';
}

/** Diagonal white stripes over the status colour: uPlot fills with any canvas style, a pattern too. */
function hatched(colour: string): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = tile.height = 8;
  const ctx = tile.getContext('2d');
  if (!ctx) return colour;
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 8, 8);
  ctx.strokeStyle = 'rgba(255,255,255,0.55)';
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  ctx.moveTo(-2, 10);
  ctx.lineTo(10, -2);
  ctx.moveTo(6, 10);
  ctx.lineTo(10, 6);
  ctx.moveTo(-2, 2);
  ctx.lineTo(2, -2);
  ctx.stroke();
  return ctx.createPattern(tile, 'repeat') ?? colour;
}

const ms = (v: number) => (v >= 60_000 ? `${(v / 60_000).toFixed(1)}m` : v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}s` : `${Math.round(v)}ms`);

/**
 * Gantt chart of a run with uPlot: the x scale is vertical (`ori: 1`), one row per instance,
 * and uPlot's bars path builder draws each bar from its start to its end (`disp.y0`/`y1`,
 * in milliseconds after the run started) on the horizontal time scale. One series per
 * status (estimated ones their own, hatched), so the legend names the colours and a
 * status can be hidden with a click.
 */
export function timingChart(parent: HTMLElement, instances: TimedInstance[], totalMs: number): uPlot {
  const holder = h('div', { class: 'chart timing-chart', 'data-chart': 'timing', 'data-rows': String(instances.length) });
  parent.append(holder);
  const rows = instances.map((_, i) => i);
  const kinds = [...new Set(instances.map((i) => `${i.status}${i.estimated ? ' (estimated)' : ''}`))].sort(
    (a, b) => STATUSES.indexOf(a.split(' ')[0]!) - STATUSES.indexOf(b.split(' ')[0]!) || a.localeCompare(b),
  );
  const of = (kind: string) => instances.map((i) => (`${i.status}${i.estimated ? ' (estimated)' : ''}` === kind ? i : null));
  const starts = kinds.map((k) => of(k).map((i) => (i ? i.start : null)));
  const ends = kinds.map((k) => of(k).map((i) => (i ? Math.max(i.end, i.start) : null)));
  // Rows uPlot drew a bar for, counted on every redraw (data-bars: what a test can read off a canvas).
  const drawn = new Set<number>();
  const bars = (k: number) =>
    uPlot.paths.bars!({
      size: [0.7, ROW_PX],
      each: (_u, _series, idx) => void drawn.add(idx),
      disp: {
        y0: { unit: 1, values: () => starts[k]! },
        y1: { unit: 1, values: () => ends[k]! },
      },
    });
  const longest = Math.max(0, ...instances.map((i) => i.id.length));
  const labels = instances.map((i) => i.id);
  const plot = new uPlot(
    {
      width: Math.max(320, Math.floor(holder.getBoundingClientRect().width || 640) - 8),
      height: instances.length * ROW_PX + 70,
      scales: {
        x: { time: false, ori: 1, dir: -1, range: [-0.5, instances.length - 0.5] },
        y: { ori: 0, range: [0, Math.max(1, totalMs)] },
      },
      axes: [
        // Row labels: the instance ids, one tick per row.
        { side: 3, splits: () => rows, values: (_u, ticks) => ticks.map((t) => labels[t] ?? ''), grid: { show: false }, size: Math.min(320, 16 + longest * 7.2), font: '12px ui-monospace, monospace' },
        { side: 2, label: 'time since the run started', space: 70, values: (_u, ticks) => ticks.map(ms) },
      ],
      legend: { live: false },
      hooks: {
        drawClear: [() => drawn.clear()],
        draw: [() => (holder.dataset.bars = String(drawn.size))],
      },
      cursor: { show: false },
      series: [
        { label: 'instance' },
        ...kinds.map((kind, k) => {
          const colour = statusColor(kind.split(' ')[0]!);
          return { label: kind, width: 0, stroke: colour, fill: kind.endsWith('(estimated)') ? hatched(colour) : colour, paths: bars(k), points: { show: false } };
        }),
      ],
    },
    [rows, ...ends] as uPlot.AlignedData,
    holder,
  );
  return plot;
}
