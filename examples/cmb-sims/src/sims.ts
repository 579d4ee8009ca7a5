import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AeroError, splits, type PartitionKey } from '@aeroml/core';

/** Simulations per split, from `sims.json` next to aero.config.ts. */
export type SimCounts = { train: number; valid: number; test: number };

export const SIMS_FILE = new URL('../sims.json', import.meta.url);

/**
 * Why a data file and not `params`: the planner evaluates a partition function with the
 * action's own params, and those params are part of every instance's cache key. Counts
 * kept there would change the key of all 100 existing simulations when one is added.
 * A file read here is data, not code (the code fingerprint follows imports, not reads),
 * so editing it adds or removes partitions and leaves existing instances cached.
 */
export function simCounts(file: URL | string = SIMS_FILE): SimCounts {
  const where = typeof file === 'string' ? file : fileURLToPath(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new AeroError('CMB_SIMS_INVALID', `Could not read the simulation counts from ${where}: ${(cause as Error).message}.`, {
      hint: 'Create sims.json next to aero.config.ts, e.g. { "train": 80, "valid": 10, "test": 10 }.',
      plugin: '@aeroml/example-cmb-sims',
      cause,
    });
  }
  const counts = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const split of ['train', 'valid', 'test'] as const) {
    const value = counts !== null && typeof counts === 'object' ? counts[split] : undefined;
    if (!Number.isInteger(value) || (value as number) < 1) problems.push(`\`${split}\`: expected an integer >= 1, got ${JSON.stringify(value)}`);
  }
  if (problems.length > 0) {
    throw new AeroError('CMB_SIMS_INVALID', `${where} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      hint: 'Each split needs a positive whole number of simulations.',
      plugin: '@aeroml/example-cmb-sims',
    });
  }
  return { train: counts['train'] as number, valid: counts['valid'] as number, test: counts['test'] as number };
}

/** `{ split, sim }` keys of the given splits. */
export function simPartitions(...only: Array<keyof SimCounts>): PartitionKey[] {
  const counts = simCounts();
  return splits(Object.fromEntries(only.map((s) => [s, counts[s]])));
}
