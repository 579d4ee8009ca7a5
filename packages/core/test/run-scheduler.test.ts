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

  it('with a limit, keeps at most that many nodes in flight and still runs every node after its dependencies', async () => {
    // 0..5 are roots; 6 waits for 0 and 5; 7 waits for 6.
    const nodes: DagNode[] = [...Array.from({ length: 6 }, (_, i) => ({ index: i, deps: [] })), { index: 6, deps: [0, 5] }, { index: 7, deps: [6] }];
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const ended: number[] = [];
    await runDag(
      nodes,
      async (i) => {
        inFlight++;
        most = Math.max(most, inFlight);
        started.push(i);
        await new Promise((r) => setImmediate(r));
        ended.push(i);
        inFlight--;
      },
      { limit: 2 },
    );
    expect(most).toBe(2);
    // Roots start in order, each only when a slot is free; a newly ready node queues behind them.
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(started.indexOf(6)).toBeGreaterThan(Math.max(ended.indexOf(0), ended.indexOf(5)));
    expect(started.indexOf(7)).toBeGreaterThan(ended.indexOf(6));
  });

  it('a node that leaves (it waits for a launcher slot) no longer counts against the limit', async () => {
    // With limit 1, node 0 waits until node 1 has started: only its leave() lets 1 start.
    let node1Started!: () => void;
    const started1 = new Promise<void>((r) => (node1Started = r));
    const order: string[] = [];
    await runDag(
      [{ index: 0, deps: [] }, { index: 1, deps: [] }, { index: 2, deps: [] }],
      async (i, leave) => {
        order.push(`start ${i}`);
        if (i === 1) node1Started();
        if (i === 0) {
          leave();
          leave(); // a second call changes nothing
          await started1;
        }
        await new Promise((r) => setImmediate(r));
        order.push(`end ${i}`);
      },
      { limit: 1 },
    );
    expect(order.slice(0, 2)).toEqual(['start 0', 'start 1']);
    // Node 1 still counts: node 2 starts only when it has ended.
    expect(order.indexOf('start 2')).toBeGreaterThan(order.indexOf('end 1'));
    expect(order.filter((e) => e.startsWith('end'))).toHaveLength(3);
  });

  it('a node that leaves before its first await does not recurse into the next launch', async () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => ({ index: i, deps: [] }));
    let done = 0;
    await runDag(
      nodes,
      async (_i, leave) => {
        leave();
        done++;
      },
      { limit: 4 },
    );
    expect(done).toBe(10_000);
  });

  it('with a limit, runs a 10,000-node fan and a 10,000-node chain to the end', async () => {
    for (const nodes of [Array.from({ length: 10_000 }, (_, i) => ({ index: i, deps: [] })), Array.from({ length: 10_000 }, (_, i) => ({ index: i, deps: i === 0 ? [] : [i - 1] }))]) {
      const order: number[] = [];
      await runDag(nodes, async (i) => void order.push(i), { limit: 256 });
      expect(order).toEqual(nodes.map((n) => n.index));
    }
  });
});
