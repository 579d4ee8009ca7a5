/** What the scheduler needs of a planned instance: its position and what it waits for. */
export interface DagNode {
  index: number;
  /** Indices of the nodes this one waits for (deduplicated, as the planner makes them). */
  deps: readonly number[];
}

/**
 * Runs `process(index)` for every node as soon as all of its dependencies have settled
 * (whatever their outcome: `process` itself decides what a failed upstream means). By
 * default with no limit of its own — launchers' slots and the I/O semaphore bound the real
 * work; `limit` caps the nodes in flight, the others waiting in ready order (a dry run of
 * 100,000 actions started them all at once: every pending call's state lived through the
 * run and was promoted to the old heap, half the time went to GC).
 * Resolves when every node has settled; rejects with the first error `process` throws
 * (an engine bug, not an action failure: those settle normally).
 */
export function runDag(nodes: readonly DagNode[], process: (index: number) => Promise<void>, options: { limit?: number } = {}): Promise<void> {
  const total = nodes.length;
  if (total === 0) return Promise.resolve();
  const limit = options.limit ?? Infinity;
  const dependents: number[][] = Array.from({ length: total }, () => []);
  const remaining = new Array<number>(total).fill(0);
  for (const node of nodes) {
    remaining[node.index] = node.deps.length;
    for (const dep of node.deps) dependents[dep]!.push(node.index);
  }
  let settled = 0;
  let active = 0;
  // Ready nodes over the limit, in the order they became ready (head index: O(1) shift).
  const ready: number[] = [];
  let head = 0;
  return new Promise<void>((resolveAll, rejectAll) => {
    const start = (index: number) => {
      if (active >= limit || head < ready.length) ready.push(index);
      else launch(index);
    };
    const launch = (index: number) => {
      active++;
      process(index).then(
        () => {
          settled++;
          active--;
          for (const d of dependents[index]!) if (--remaining[d]! === 0) start(d);
          while (active < limit && head < ready.length) launch(ready[head++]!);
          if (settled === total) resolveAll();
        },
        (error: unknown) => rejectAll(error),
      );
    };
    for (const node of nodes) if (node.deps.length === 0) start(node.index);
  });
}
