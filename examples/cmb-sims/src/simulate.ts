import { defineAction } from '@aeroml/core';
import { fitsImage } from '@aeroml/handler-fits';
import { z } from 'zod';
import { isPowerOfTwo } from './fft.js';
import { uniform, simulationSeed } from './random.js';
import { simPartitions } from './sims.js';
import { simulateMap } from './spectrum.js';

export const simulateParams = z.object({
  /** Base seed; each (split, sim) derives its own seed from it. */
  seed: z.number().int().default(20261122),
  /** Map side in pixels. */
  size: z.number().int().refine(isPowerOfTwo, 'must be a power of two').default(64),
  /** Pivot wavenumber of the power law, in units of the fundamental mode. */
  pivot: z.number().positive().default(8),
  /** Prior on the spectral tilt (the parameter the model learns to infer). */
  tilt: z.object({ min: z.number(), max: z.number() }).default({ min: -3, max: -1 }),
  /** Prior on the amplitude at the pivot (log-uniform, uK^2): a nuisance parameter. */
  amplitude: z.object({ min: z.number().positive(), max: z.number().positive() }).default({ min: 50, max: 200 }),
  /** White noise per pixel, uK. */
  noise: z.number().min(0).default(2),
});
export type SimulateParams = z.infer<typeof simulateParams>;

/**
 * One CMB-like map per (split, sim): a 2-D Gaussian random field whose tilt and
 * amplitude are drawn from the priors with a seed derived from the partition, so a
 * rerun is byte-identical and adding simulations leaves the others untouched.
 * The true parameters travel in the FITS header.
 */
export const simulate = defineAction({
  name: 'simulate',
  group: 'data',
  type: 'simulate-maps',
  params: simulateParams,
  partitions: () => simPartitions('train', 'valid', 'test'),
  outputs: { map: { handler: 'fits', path: '{split}/{sim:04d}/map.fits', description: 'temperature map (uK) with TILT and AMP in the header' } },
  async run({ params, partition, outputs }) {
    const split = String(partition!['split']);
    const sim = Number(partition!['sim']);
    const seed = simulationSeed(params.seed, split, sim);
    const draw = uniform(seed);
    const tilt = params.tilt.min + (params.tilt.max - params.tilt.min) * draw();
    const amplitude = params.amplitude.min * Math.pow(params.amplitude.max / params.amplitude.min, draw());
    const map = simulateMap({ size: params.size, amplitude, tilt, pivot: params.pivot, noise: params.noise }, seed ^ 0x9e3779b9);
    await outputs.map.write(
      fitsImage(Float32Array.from(map), [params.size, params.size], {
        header: [
          { key: 'BUNIT', value: 'uK', comment: 'map unit' },
          { key: 'SPLIT', value: split, comment: 'data split' },
          { key: 'SIM', value: sim, comment: 'simulation index within the split' },
          { key: 'SEED', value: seed, comment: 'PRNG seed of this simulation' },
          { key: 'TILT', value: tilt, comment: 'true spectral tilt: P(k) = AMP (k/PIVOT)^TILT' },
          { key: 'AMP', value: amplitude, comment: 'true power at the pivot, uK^2' },
          { key: 'PIVOT', value: params.pivot, comment: 'pivot wavenumber (fundamental modes)', float: true },
          { key: 'NOISE', value: params.noise, comment: 'white noise per pixel, uK', float: true },
        ],
      }),
    );
  },
});
