import { describe, expect, it } from 'vitest';
import { findEntry } from '../src/queries/runs.js';
import type { RunRecord } from '../src/runs.js';

const run = (names: string[]) => ({ id: 'r1', actions: names.map((n) => ({ id: n, action: n.replace(/\[.*$/, ''), status: 'ran' })) }) as unknown as RunRecord;

describe('findEntry: an action or instance of a run (aero logs, show)', () => {
  it('an unknown name gets the nearest names and a short list, not every action of a large run', () => {
    const big = run(Array.from({ length: 201 }, (_, i) => `a${Math.floor(i / 10)}_${i % 10}`));
    const error = (() => {
      try {
        findEntry(big, 'a0_00');
      } catch (e) {
        return e as { code: string; message: string; hint: string };
      }
      throw new Error('expected ACTION_NOT_FOUND');
    })();
    expect(error.code).toBe('ACTION_NOT_FOUND');
    expect(error.message).toBe('Run r1 has no action `a0_00`.');
    expect(error.hint).toBe('Did you mean `a0_0`, `a0_1` or `a0_2`? Actions in this run: a0_0, a0_1, a0_2, a0_3, a0_4, a0_5, a0_6, a0_7, a0_8, a0_9, a1_0, a1_1 and 189 more.');
  });

  it('an action with several instances asks for one', () => {
    expect(() => findEntry(run(['sim[split=a]', 'sim[split=b]']), 'sim')).toThrow('`sim` has 2 instances in run r1; name one, e.g. `sim[split=a]`.');
  });
});
