import uPlot from 'uplot';
import { markerLabel, type NonFiniteMarker } from '../src/shared/non-finite.js';
import { h } from './dom.js';

// NaN and ±Infinity have no place on a y axis, so a chart would either drop them silently
// (the line bridging the gap: a diverged loss looking healthy) or break its scale. They are
// drawn as gaps in the line and marked at the plot's edges instead: +Inf at the top, -Inf at
// the bottom, NaN at the top as a cross, each with a dashed guide at its step.

/** Step → marker, per line of a chart (index 0 is uPlot's x series and has none). */
export type StepMarks = Array<Map<number, NonFiniteMarker>>;

/** A series' marks keyed by step (the API keys them by point index). */
export function marksByStep(steps: number[], nonFinite: Record<string, NonFiniteMarker> | undefined): Map<number, NonFiniteMarker> {
  const out = new Map<number, NonFiniteMarker>();
  for (const [index, marker] of Object.entries(nonFinite ?? {})) {
    const step = steps[Number(index)];
    if (step !== undefined) out.set(step, marker);
  }
  return out;
}

/**
 * A uPlot legend value: the number, or "NaN"/"+Inf"/"-Inf" where the point is one (uPlot
 * would show "--", as for no point at all).
 */
export function legendValue(marks: StepMarks): (u: uPlot, raw: number | null, sidx: number, idx: number | null) => string {
  return (u, raw, sidx, idx) => {
    if (raw !== null && raw !== undefined) return uPlot.fmtNum(raw);
    const step = idx === null ? undefined : u.data[0][idx];
    const marker = step === undefined ? undefined : marks[sidx]?.get(step);
    return marker ? markerLabel(marker) : '--';
  };
}

/**
 * uPlot `draw` hook: marks every non-finite point of the shown lines inside the x range, and
 * records on `holder` (`data-marks`, label → count) what it drew, for tests and tooling:
 * the canvas itself cannot be read back as "a NaN marker".
 */
export function drawMarks(holder: HTMLElement, marks: StepMarks): (u: uPlot) => void {
  return (u) => {
    const { ctx, bbox } = u;
    const drawn: Record<string, number> = {};
    const px = devicePixelRatio || 1;
    const size = 5 * px;
    const [xMin, xMax] = [u.scales.x!.min ?? -Infinity, u.scales.x!.max ?? Infinity];
    ctx.save();
    ctx.font = `${10 * px}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    for (let sidx = 1; sidx < u.series.length; sidx++) {
      const series = u.series[sidx]!;
      const stroke = typeof series.stroke === 'function' ? String(series.stroke(u, sidx)) : String(series.stroke ?? '#000');
      if (!series.show || !marks[sidx]?.size) continue;
      let previous: NonFiniteMarker | undefined;
      for (const step of [...marks[sidx]!.keys()].sort((a, b) => a - b)) {
        const marker = marks[sidx]!.get(step)!;
        if (step < xMin || step > xMax) continue;
        const x = u.valToPos(step, 'x', true);
        const top = marker !== '-Infinity';
        const y = top ? bbox.top + size : bbox.top + bbox.height - size;
        ctx.strokeStyle = stroke;
        ctx.fillStyle = stroke;
        // The guide: where along the steps the line is broken.
        ctx.globalAlpha = 0.35;
        ctx.setLineDash([3 * px, 3 * px]);
        ctx.lineWidth = px;
        ctx.beginPath();
        ctx.moveTo(x, bbox.top);
        ctx.lineTo(x, bbox.top + bbox.height);
        ctx.stroke();
        ctx.globalAlpha = 1;
        ctx.setLineDash([]);
        ctx.lineWidth = 2 * px;
        ctx.beginPath();
        if (marker === 'NaN') {
          ctx.moveTo(x - size, y - size);
          ctx.lineTo(x + size, y + size);
          ctx.moveTo(x + size, y - size);
          ctx.lineTo(x - size, y + size);
          ctx.stroke();
        } else {
          const tip = top ? -size : size;
          ctx.moveTo(x, y + tip);
          ctx.lineTo(x - size, y - tip);
          ctx.lineTo(x + size, y - tip);
          ctx.closePath();
          ctx.fill();
        }
        // One label per run of equal markers: a series that stays NaN gets one, not thousands.
        if (marker !== previous) {
          // Beside the marker, on the side with room: the plot's right edge would cut it off.
          const right = x < bbox.left + bbox.width / 2;
          ctx.textAlign = right ? 'left' : 'right';
          ctx.fillText(markerLabel(marker), right ? x + size + 3 * px : x - size - 3 * px, y);
        }
        previous = marker;
        const label = markerLabel(marker);
        drawn[label] = (drawn[label] ?? 0) + 1;
      }
    }
    ctx.restore();
    holder.dataset.marks = JSON.stringify(drawn);
  };
}

/** Steps listed per series and kind under a chart before "…": the canvas is not readable text. */
const LISTED_STEPS = 5;

/**
 * The non-finite points as text under a chart ("train: NaN at step 0; +Inf at steps 2, 7"),
 * so they are readable without hovering and by a screen reader; null when there are none.
 */
export function marksNote(labels: string[], marks: StepMarks): HTMLElement | null {
  const parts: string[] = [];
  labels.forEach((label, i) => {
    const byKind = new Map<string, number[]>();
    for (const [step, marker] of marks[i + 1] ?? []) byKind.set(markerLabel(marker), [...(byKind.get(markerLabel(marker)) ?? []), step]);
    const kinds = [...byKind].map(([kind, steps]) => {
      const sorted = steps.sort((a, b) => a - b);
      const listed = sorted.slice(0, LISTED_STEPS).join(', ');
      return `${kind} at step${sorted.length > 1 ? 's' : ''} ${listed}${sorted.length > LISTED_STEPS ? `, … (${sorted.length} points)` : ''}`;
    });
    if (kinds.length) parts.push(`${label}: ${kinds.join(', ')}`);
  });
  return parts.length ? h('p', { class: 'muted non-finite', 'data-non-finite': '' }, `Not a number, drawn as a gap: ${parts.join('; ')}`) : null;
}
