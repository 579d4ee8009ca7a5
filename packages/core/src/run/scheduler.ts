/** What the scheduler needs of a planned instance: its position and what it waits for. */
export interface DagNode {
  index: number;
  /** Indices of the nodes this one waits for (deduplicated, as the planner makes them). */
  deps: readonly number[];
}

/**
 * Runs `process(index)` for every node as soon as all of its dependencies have settled
 * (whatever their outcome: `process` itself decides what a failed upstream means).
 * `limit` caps the nodes in flight, the others waiting in ready order: a run of 100,000
 * actions started them all at once, and every pending call's state lived through the run
 * and was promoted to the old heap (half of a dry run's time went to GC, a tenth of a
 * no-op rerun's). A node calls `leave()` when it goes on to wait for something that bounds
 * itself (a launcher slot): it then no longer counts, so a node waiting for a slot of one
 * launcher never holds back nodes bound elsewhere. No limit by default.
 * Resolves when every node has settled; rejects with the first error `process` throws
 * (an engine bug, not an action failure: those settle normally).
 */
export function runDag(nodes: readonly DagNode[], process: (index: number, leave: () => void) => Promise<void>, options: { limit?: number } = {}): Promise<void> {
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
  // Launching is never re-entered: a node that leaves at once would otherwise recurse.
  let pumping = false;
  return new Promise<void>((resolveAll, rejectAll) => {
    const pump = () => {
      if (pumping) return;
      pumping = true;
      try {
        while (active < limit && head < ready.length) launch(ready[head++]!);
      } finally {
        pumping = false;
      }
    };
    const launch = (index: number) => {
      active++;
      let counted = true;
      const leave = () => {
        if (!counted) return;
        counted = false;
        active--;
        pump();
      };
      process(index, leave).then(
        () => {
          settled++;
          for (const d of dependents[index]!) if (--remaining[d]! === 0) ready.push(d);
          // A node still counted leaves now (which pumps); one that left already only pumps.
          if (counted) leave();
          else pump();
          if (settled === total) resolveAll();
        },
        (error: unknown) => rejectAll(error),
      );
    };
    for (const node of nodes) if (node.deps.length === 0) ready.push(node.index);
    pump();
  });
}
