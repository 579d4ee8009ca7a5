import type { NDArray } from '@aeroml/handler-npy';

/** Model features of one spectrum: the natural log of each band power. */
export function features(spectrum: NDArray): number[] {
  if (spectrum.dtype !== 'float64' || spectrum.shape.length !== 1) throw new Error(`expected a 1-d float64 spectrum, got ${spectrum.dtype} [${spectrum.shape.join(', ')}]`);
  return Array.from(spectrum.data, (p) => Math.log(p));
}
