import { defineAction } from '@aeroml/core';
import { z } from 'zod';
import { gaussian, rng } from './rng.js';

export interface Split {
  x: [number, number][];
  y: number[];
}
export interface Dataset {
  name: string;
  train: Split;
  test: Split;
}

const params = z.object({
  name: z.enum(['blobs', 'rings']),
  n: z.number().int().min(10),
  noise: z.number().min(0),
  seed: z.number().int(),
  test_fraction: z.number().gt(0).lt(1),
});

/** Makes a 2-D binary classification data set: gaussian blobs or concentric rings. */
export const generate = defineAction({
  name: 'generate',
  group: 'data',
  type: 'make-dataset',
  params,
  outputs: { dataset: { handler: 'json' } },
  async run({ params: p, outputs, log }) {
    const random = rng(p.seed);
    const points: { x: [number, number]; y: number }[] = [];
    for (let i = 0; i < p.n; i++) {
      const y = i % 2;
      if (p.name === 'blobs') {
        const c = y ? 1.5 : -1.5;
        points.push({ x: [c + p.noise * gaussian(random), c + p.noise * gaussian(random)], y });
      } else {
        const r = (y ? 2 : 1) + p.noise * gaussian(random);
        const a = 2 * Math.PI * random();
        points.push({ x: [r * Math.cos(a), r * Math.sin(a)], y });
      }
    }
    // Shuffle, then split.
    for (let i = points.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [points[i], points[j]] = [points[j]!, points[i]!];
    }
    const nTest = Math.round(p.n * p.test_fraction);
    const split = (rows: typeof points): Split => ({ x: rows.map((r) => r.x), y: rows.map((r) => r.y) });
    const dataset: Dataset = { name: p.name, test: split(points.slice(0, nTest)), train: split(points.slice(nTest)) };
    log.info(`${p.name}: ${p.n - nTest} train / ${nTest} test points`);
    await outputs.dataset.write(dataset);
  },
});
