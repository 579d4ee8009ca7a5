import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AeroError } from '@aeroml/core';
import { describe, expect, it } from 'vitest';
import { simCounts, simPartitions } from '../src/sims.js';

async function file(content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cmb-sims-'));
  await writeFile(join(dir, 'sims.json'), content);
  return join(dir, 'sims.json');
}

function error(fn: () => unknown): AeroError {
  try {
    fn();
  } catch (e) {
    return e as AeroError;
  }
  throw new Error('expected an error');
}

describe('simulation counts (sims.json)', () => {
  it('reads the committed counts and expands them into { split, sim } keys', () => {
    expect(simCounts()).toEqual({ train: 80, valid: 10, test: 10 });
    const keys = simPartitions('valid', 'test');
    expect(keys).toHaveLength(20);
    expect(keys[0]).toEqual({ split: 'valid', sim: 0 });
    expect(keys.at(-1)).toEqual({ split: 'test', sim: 9 });
  });

  it('CMB_SIMS_INVALID lists every bad count', async () => {
    const path = await file('{ "train": 0, "valid": 2.5 }');
    const e = error(() => simCounts(path));
    expect(e).toBeInstanceOf(AeroError);
    expect(e.code).toBe('CMB_SIMS_INVALID');
    expect(e.plugin).toBe('@aeroml/example-cmb-sims');
    expect(e.message).toBe(`${path} is invalid:\n  - \`train\`: expected an integer >= 1, got 0\n  - \`valid\`: expected an integer >= 1, got 2.5\n  - \`test\`: expected an integer >= 1, got undefined`);
    expect(e.hint).toBe('Each split needs a positive whole number of simulations.');
  });

  it('CMB_SIMS_INVALID names an unreadable file', async () => {
    const path = await file('{ train: 80 ');
    const e = error(() => simCounts(path));
    expect(e.code).toBe('CMB_SIMS_INVALID');
    expect(e.message).toMatch(new RegExp(`^Could not read the simulation counts from ${path.replace(/[.]/g, '\\.')}: .*JSON.*\\.$`));
    expect(error(() => simCounts(join(path, '..', 'missing.json'))).message).toContain('ENOENT');
  });
});
