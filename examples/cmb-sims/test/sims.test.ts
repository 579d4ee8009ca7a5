import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AeroError } from '@aeroml/core';
import { thrown, writeProject } from '@aeroml/test-utils';
import { describe, expect, it } from 'vitest';
import { simCounts, simPartitions } from '../src/sims.js';

/** A sims.json with this text in a new temp folder. */
async function file(content: string): Promise<string> {
  return join(await writeProject(tmpdir(), 'cmb-sims', { 'sims.json': content }), 'sims.json');
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
    const e = thrown(() => simCounts(path));
    expect(e).toBeInstanceOf(AeroError);
    expect(e.code).toBe('CMB_SIMS_INVALID');
    expect(e.plugin).toBe('@aeroml/example-cmb-sims');
    expect(e.message).toBe(`${path} is invalid:\n  - \`train\`: expected an integer >= 1, got 0\n  - \`valid\`: expected an integer >= 1, got 2.5\n  - \`test\`: expected an integer >= 1, got undefined`);
    expect(e.hint).toBe('Each split needs a positive whole number of simulations.');
  });

  it('CMB_SIMS_INVALID names an unreadable file', async () => {
    const path = await file('{ train: 80 ');
    const e = thrown(() => simCounts(path));
    expect(e.code).toBe('CMB_SIMS_INVALID');
    expect(e.message).toMatch(new RegExp(`^Could not read the simulation counts from ${path.replace(/[.]/g, '\\.')}: .*JSON.*\\.$`));
    expect(thrown(() => simCounts(join(path, '..', 'missing.json'))).message).toContain('ENOENT');
  });
});
