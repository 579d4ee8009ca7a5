import { describe, expect, it } from 'vitest';
import { groupSweeps } from '../src/commands/ps.js';

describe('aero ps order', () => {
  it('is newest first, a sweep kept as one block at its newest run and newest first inside it', () => {
    // Newest first, as listRuns returns them: s2 and s1 of a sweep, with a plain run between them.
    const runs = [{ id: 's3', sweepId: 'sw' }, { id: 'plain2' }, { id: 's2', sweepId: 'sw' }, { id: 's1', sweepId: 'sw' }, { id: 'plain1' }];
    expect(groupSweeps(runs).map((r) => r.id)).toEqual(['s3', 's2', 's1', 'plain2', 'plain1']);
  });
});
