import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineAction } from '@aeroml/core';
import { z } from 'zod';
import { FEATURES, type Row } from './rows.js';

/** Reads the raw CSV shipped with the example and drops rows with missing measurements. */
export const ingest = defineAction({
  name: 'ingest',
  group: 'data',
  type: 'load-dataset',
  description: 'Load data/penguins.csv and drop incomplete rows',
  deps: ['data/penguins.csv'],
  params: z.object({ file: z.string().default('data/penguins.csv') }),
  outputs: { dataset: { handler: 'csv' } },
  async run({ params, outputs, cwd, log }) {
    const text = await readFile(join(cwd, params.file), 'utf8');
    const [header, ...lines] = text.trim().split('\n');
    const columns = header!.split(',');
    const rows = lines
      .map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i]!, v])) as Row)
      .filter((row) => FEATURES.every((f) => row[f] !== 'NA' && row[f] !== ''));
    log.info(`kept ${rows.length} of ${lines.length} rows`);
    await outputs.dataset.write(rows);
  },
});
