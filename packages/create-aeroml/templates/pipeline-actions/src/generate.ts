import { defineAction } from '@aeroml/core';
import { z } from 'zod';

export interface Point {
  x: number;
  y: number;
}

/** Deterministic PRNG (mulberry32): the same seed gives the same data, so results cache. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Noisy points on y = 3x + 1, split into train and test sets. */
export const generate = defineAction({
  name: 'generate',
  group: 'data',
  type: 'make-dataset',
  params: z.object({
    n: z.number().int().min(10).default(200),
    noise: z.number().min(0).default(0.1),
    seed: z.number().int().default(0),
    testFraction: z.number().gt(0).lt(1).default(0.25),
  }),
  outputs: { train: { handler: 'json' }, test: { handler: 'json' } },
  async run({ params, outputs, log }) {
    const next = random(params.seed);
    const points: Point[] = Array.from({ length: params.n }, () => {
      const x = next() * 2 - 1;
      return { x, y: 3 * x + 1 + params.noise * (next() * 2 - 1) };
    });
    const cut = Math.round(points.length * (1 - params.testFraction));
    await outputs.train.write(points.slice(0, cut));
    await outputs.test.write(points.slice(cut));
    log.info(`${cut} train points, ${points.length - cut} test points`);
  },
});
