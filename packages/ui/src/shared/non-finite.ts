// Metric values JSON has no number for. The API sends them as `null` (so every consumer that
// reads `values` as numbers keeps working) plus a marker saying which one it was, spelt as the
// file tracker's metrics.jsonl spells them, so `Number(marker)` gives the value back.

export type NonFiniteMarker = 'NaN' | 'Infinity' | '-Infinity';

/** The marker of a non-finite number; undefined for a finite one. */
export function nonFiniteMarker(value: number): NonFiniteMarker | undefined {
  if (Number.isFinite(value)) return undefined;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** How the pages show a marker: short enough for a legend cell or a table cell. */
export function markerLabel(marker: NonFiniteMarker): 'NaN' | '+Inf' | '-Inf' {
  return marker === 'Infinity' ? '+Inf' : marker === '-Infinity' ? '-Inf' : 'NaN';
}
