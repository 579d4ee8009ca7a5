import { describe, expect, it } from 'vitest';
import { runDag, type DagNode } from '../src/run/scheduler.js';

/** Runs `nodes` through runDag, recording when each starts and settles. */
async function trace(nodes: DagNode[], fail?: number) {
  const events: string[] = [];
  await runDag(nodes, async (i) => {
    events.push(`start ${i}`);
    await new Promise((r) => setImmediate(r));
    if (i === fail) throw new Error(`node ${i} broke`);
    events.push(`end ${i}`);
  });
  return events;
}

describe('run/scheduler: runDag', () => {
  it('starts a node only after every dependency settled, roots at once', async () => {
    // 0 → 1, 0 → 2, {1, 2} → 3 (a diamond), 4 on its own
    const events = await trace([
      { index: 0, deps: [] },
      { index: 1, deps: [0] },
      { index: 2, deps: [0] },
      { index: 3, deps: [1, 2] },
      { index: 4, deps: [] },
    ]);
    expect(events.slice(0, 2)).toEqual(['start 0', 'start 4']);
    for (const [node, deps] of [[1, [0]], [2, [0]], [3, [1, 2]]] as const) {
      for (const dep of deps) expect(events.indexOf(`start ${node}`)).toBeGreaterThan(events.indexOf(`end ${dep}`));
    }
    expect(events.filter((e) => e.startsWith('start'))).toHaveLength(5);
  });

  it('resolves at once for an empty plan', async () => {
    await expect(runDag([], async () => {
      throw new Error('never called');
    })).resolves.toBeUndefined();
  });

  it('runs a 10,000-node chain without deep recursion', async () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => ({ index: i, deps: i === 0 ? [] : [i - 1] }));
    const order: number[] = [];
    await runDag(nodes, async (i) => void order.push(i));
    expect(order).toEqual(nodes.map((n) => n.index));
  });

  it('rejects with the first error the process function throws', async () => {
    await expect(trace([{ index: 0, deps: [] }, { index: 1, deps: [0] }], 0)).rejects.toThrow('node 0 broke');
  });
});
