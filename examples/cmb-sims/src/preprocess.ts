import { defineAction } from '@aeroml/core';
import { getValue, type FitsImage } from '@aeroml/handler-fits';
import { ndarray } from '@aeroml/handler-npy';
import { z } from 'zod';
import { simPartitions } from './sims.js';
import { simulate } from './simulate.js';
import { bandPowers } from './spectrum.js';

/** What the simulation really was, read back from its FITS header. */
export interface Truth {
  split: string;
  sim: number;
  tilt: number;
  amplitude: number;
}

/**
 * Binned power spectrum of each map (NPY, float64, one band power per wavenumber bin)
 * plus the true parameters from the FITS header, mapped 1:1 on (split, sim).
 */
export const preprocess = defineAction({
  name: 'preprocess',
  group: 'data',
  type: 'power-spectrum',
  params: z.object({ bins: z.number().int().min(2).default(16) }),
  partitions: () => simPartitions('train', 'valid', 'test'),
  inputs: { map: simulate.output('map') },
  outputs: {
    spectrum: { handler: 'npy', path: '{split}/{sim:04d}/spectrum.npy', description: 'band powers (uK^2), float64 [bins]' },
    truth: { handler: 'json', path: '{split}/{sim:04d}/truth.json', description: 'true tilt and amplitude' },
  },
  async run({ params, partition, inputs, outputs }) {
    const map = await inputs.map.read<FitsImage<Float32Array>>();
    const [height, width] = map.shape;
    if (height !== width) throw new Error(`${inputs.map.path} is ${height}x${width}; the power spectrum needs a square map`);
    const { power, k } = bandPowers(map.data, width!, params.bins);
    await outputs.spectrum.write(ndarray('float64', [params.bins], power));
    outputs.spectrum.meta({ k: Array.from(k, (v) => Number(v.toFixed(6))) });
    const truth: Truth = {
      split: String(partition!['split']),
      sim: Number(partition!['sim']),
      tilt: Number(getValue(map.header, 'TILT')),
      amplitude: Number(getValue(map.header, 'AMP')),
    };
    await outputs.truth.write(truth);
  },
});
