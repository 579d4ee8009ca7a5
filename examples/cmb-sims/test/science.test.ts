import { describe, expect, it } from 'vitest';
import { fft2, frequency } from '../src/fft.js';
import { gaussian, uniform, simulationSeed } from '../src/random.js';
import { fitRidge, predictRidge } from '../src/ridge.js';
import { bandPowers, binEdges, signalPower, simulateMap, type SkyModel } from '../src/spectrum.js';

/** Direct O(n^4) DFT, the definition fft2 must agree with. */
function dft2(input: Float64Array, n: number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let ky = 0; ky < n; ky++)
    for (let kx = 0; kx < n; kx++)
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++) {
          const angle = (-2 * Math.PI * (kx * x + ky * y)) / n;
          re[ky * n + kx]! += input[y * n + x]! * Math.cos(angle);
          im[ky * n + kx]! += input[y * n + x]! * Math.sin(angle);
        }
  return { re, im };
}

describe('fft2', () => {
  it('equals the direct DFT and inverts exactly', () => {
    const n = 8;
    const normal = gaussian(uniform(7));
    const input = Float64Array.from({ length: n * n }, () => normal());
    const re = Float64Array.from(input);
    const im = new Float64Array(n * n);
    fft2(re, im, n);
    const direct = dft2(input, n);
    for (let i = 0; i < n * n; i++) {
      expect(re[i]).toBeCloseTo(direct.re[i]!, 9);
      expect(im[i]).toBeCloseTo(direct.im[i]!, 9);
    }
    fft2(re, im, n, true);
    for (let i = 0; i < n * n; i++) {
      expect(re[i]).toBeCloseTo(input[i]!, 12);
      expect(im[i]).toBeCloseTo(0, 12);
    }
  });

  it('rejects sizes that are not powers of two', () => {
    expect(() => fft2(new Float64Array(36), new Float64Array(36), 6)).toThrow('fft2 needs two n*n arrays with n a power of two (n=6, lengths 36, 36)');
  });

  it('numbers frequencies like numpy.fft.fftfreq(n) * n', () => {
    expect(Array.from({ length: 8 }, (_, i) => frequency(i, 8))).toEqual([0, 1, 2, 3, -4, -3, -2, -1]);
  });
});

describe('simulations', () => {
  const model: SkyModel = { size: 64, amplitude: 100, tilt: -2, pivot: 8, noise: 2 };

  it('are reproducible from the seed and differ between seeds', () => {
    expect(simulateMap(model, 42)).toEqual(simulateMap(model, 42));
    expect(simulateMap(model, 42)).not.toEqual(simulateMap(model, 43));
    expect(simulationSeed(1, 'train', 0)).toBe(simulationSeed(1, 'train', 0));
    expect(new Set([simulationSeed(1, 'train', 0), simulationSeed(1, 'train', 1), simulationSeed(1, 'test', 0), simulationSeed(2, 'train', 0)]).size).toBe(4);
  });

  it('have the power spectrum of the model: band powers average to P(k) + noise^2 over each bin', () => {
    const bins = 8;
    const runs = 40;
    const mean = new Float64Array(bins);
    for (let s = 0; s < runs; s++) bandPowers(simulateMap(model, 1000 + s), model.size, bins).power.forEach((p, b) => (mean[b]! += p / runs));
    // Expected band power: the model power averaged over the Fourier modes of each bin.
    const edges = binEdges(model.size, bins);
    const expected = new Float64Array(bins);
    const modes = new Float64Array(bins);
    for (let y = 0; y < model.size; y++)
      for (let x = 0; x < model.size; x++) {
        const k = Math.hypot(frequency(x, model.size), frequency(y, model.size));
        if (k < edges[0]! || k > edges[bins]!) continue;
        const b = Math.min(bins - 1, Math.floor((k - edges[0]!) / (edges[1]! - edges[0]!)));
        expected[b]! += signalPower(model, k) + model.noise ** 2;
        modes[b]!++;
      }
    // 40 maps give each bin hundreds of independent modes: a few percent of scatter.
    for (let b = 0; b < bins; b++) expect(Math.abs(mean[b]! / (expected[b]! / modes[b]!) - 1)).toBeLessThan(0.1);
    // and the spectrum really falls with k (tilt -2) down to the noise floor
    expect(mean[0]!).toBeGreaterThan(20 * mean[bins - 1]!);
  });

  it('bins wavenumbers from the fundamental mode to Nyquist and counts every mode once', () => {
    expect(binEdges(64, 4)).toEqual([1, 8.75, 16.5, 24.25, 32]);
    const { modes } = bandPowers(new Float64Array(64 * 64), 64, 16);
    let inRange = 0;
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if (Math.hypot(frequency(x, 64), frequency(y, 64)) >= 1 && Math.hypot(frequency(x, 64), frequency(y, 64)) <= 32) inRange++;
    expect(modes.reduce((a, b) => a + b, 0)).toBe(inRange);
  });
});

describe('ridge regression', () => {
  it('recovers known weights, with a non-increasing loss', () => {
    const rand = uniform(3);
    const truth = [2, -1, 0.5];
    const x = Array.from({ length: 50 }, () => [rand() * 4, rand() * 10 - 5, rand()]);
    const y = x.map((row) => 1 + row.reduce((s, v, j) => s + v * truth[j]!, 0));
    const { model, losses } = fitRidge(x, y, 0);
    for (const row of x.slice(0, 5)) expect(predictRidge(model, row)).toBeCloseTo(1 + row.reduce((s, v, j) => s + v * truth[j]!, 0), 8);
    expect(losses.at(-1)!).toBeLessThan(1e-16);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThanOrEqual(losses[i - 1]! * (1 + 1e-9));
  });

  it('shrinks the weights as alpha grows', () => {
    const rand = uniform(5);
    const x = Array.from({ length: 30 }, () => [rand(), rand()]);
    const y = x.map((row) => row[0]! - row[1]! + 0.1 * rand());
    const norm = (alpha: number) => Math.hypot(...fitRidge(x, y, alpha).model.weights);
    expect(norm(10)).toBeLessThan(norm(0.1));
    expect(norm(0.1)).toBeLessThan(norm(0));
  });

  it('refuses mismatched inputs', () => {
    expect(() => fitRidge([[1], [2]], [1], 0)).toThrow('ridge needs as many targets as rows and at least one row (rows 2, targets 1)');
  });
});
