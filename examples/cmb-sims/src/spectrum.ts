import { fft2, frequency } from './fft.js';
import { gaussian, uniform } from './random.js';

/** The sky model of one simulation: a power law plus white instrument noise. */
export interface SkyModel {
  /** Map side in pixels (a power of two). */
  size: number;
  /** Power at the pivot wavenumber, in uK^2. */
  amplitude: number;
  /** Spectral tilt: P(k) = amplitude * (k / pivot)^tilt. */
  tilt: number;
  /** Pivot wavenumber, in units of the fundamental mode. */
  pivot: number;
  /** White noise per pixel (standard deviation, uK). */
  noise: number;
}

/** Signal power at wavenumber k (0 for the mean mode, so maps have zero mean). */
export function signalPower(model: SkyModel, k: number): number {
  return k === 0 ? 0 : model.amplitude * Math.pow(k / model.pivot, model.tilt);
}

/**
 * A Gaussian random field with the model's power spectrum plus white noise, row-major
 * `size x size`: white noise is coloured in Fourier space by sqrt(P(k)), so the estimator
 * below recovers P(k) + noise^2 on average.
 */
export function simulateMap(model: SkyModel, seed: number): Float64Array {
  const n = model.size;
  const normal = gaussian(uniform(seed));
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) re[i] = normal();
  fft2(re, im, n);
  for (let y = 0; y < n; y++) {
    const fy = frequency(y, n);
    for (let x = 0; x < n; x++) {
      const fx = frequency(x, n);
      const amplitude = Math.sqrt(signalPower(model, Math.hypot(fx, fy)));
      re[y * n + x]! *= amplitude;
      im[y * n + x]! *= amplitude;
    }
  }
  fft2(re, im, n, true);
  const map = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) map[i] = re[i]! + model.noise * normal();
  return map;
}

/** Linear bin edges in wavenumber from the fundamental mode to Nyquist. */
export function binEdges(size: number, bins: number): number[] {
  const kmax = size / 2;
  return Array.from({ length: bins + 1 }, (_, i) => 1 + ((kmax - 1) * i) / bins);
}

/**
 * Binned power spectrum estimate |FFT(map)|^2 / npix averaged over the modes of each
 * wavenumber bin (modes beyond Nyquist, in the corners, are left out). Returns the
 * band powers and the mean wavenumber of each bin.
 */
export function bandPowers(map: ArrayLike<number>, size: number, bins: number): { power: Float64Array; k: Float64Array; modes: Int32Array } {
  const npix = size * size;
  if (map.length !== npix) throw new RangeError(`expected a ${size}x${size} map, got ${map.length} pixels`);
  const re = Float64Array.from(map);
  const im = new Float64Array(npix);
  fft2(re, im, size);
  const edges = binEdges(size, bins);
  const width = edges[1]! - edges[0]!;
  const power = new Float64Array(bins);
  const k = new Float64Array(bins);
  const modes = new Int32Array(bins);
  for (let y = 0; y < size; y++) {
    const fy = frequency(y, size);
    for (let x = 0; x < size; x++) {
      const kk = Math.hypot(frequency(x, size), fy);
      if (kk < edges[0]! || kk > edges[bins]!) continue;
      const b = Math.min(bins - 1, Math.floor((kk - edges[0]!) / width));
      const i = y * size + x;
      power[b]! += (re[i]! * re[i]! + im[i]! * im[i]!) / npix;
      k[b]! += kk;
      modes[b]!++;
    }
  }
  for (let b = 0; b < bins; b++) {
    if (modes[b] === 0) throw new RangeError(`bin ${b} has no Fourier modes; use fewer bins for a ${size}x${size} map`);
    power[b]! /= modes[b]!;
    k[b]! /= modes[b]!;
  }
  return { power, k, modes };
}
