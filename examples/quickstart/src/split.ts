import { defineAction } from '@aeroml/core';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { z } from 'zod';
import { ingest } from './ingest.js';
import type { Row } from './rows.js';

/** Shuffles with a seeded PRNG (pure-rand's xoroshiro128+: the same seed, the same split) and splits off a test set. */
export const split = defineAction({
  name: 'split',
  group: 'data',
  type: 'split-dataset',
  params: z.object({ testFraction: z.number().gt(0).lt(1).default(0.25), seed: z.number().int().default(42) }),
  inputs: { dataset: ingest.output('dataset') },
  outputs: { train: { handler: 'csv' }, test: { handler: 'csv' } },
  async run({ params, inputs, outputs, log }) {
    const rows = await inputs.dataset.read<Row[]>();
    const generator = xoroshiro128plus(params.seed);
    const shuffled = rows.map((row) => ({ row, key: uniformFloat64(generator) })).sort((a, b) => a.key - b.key).map((r) => r.row);
    const cut = Math.round(shuffled.length * (1 - params.testFraction));
    await outputs.train.write(shuffled.slice(0, cut));
    await outputs.test.write(shuffled.slice(cut));
    log.info(`train ${cut} rows, test ${shuffled.length - cut} rows`);
  },
});
