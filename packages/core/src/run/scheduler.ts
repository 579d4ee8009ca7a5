/** What the scheduler needs of a planned instance: its position and what it waits for. */
export interface DagNode {
  index: number;
  /** Indices of the nodes this one waits for (deduplicated, as the planner makes them). */
  deps: readonly number[];
}

/**
 * Runs `process(index)` for every node as soon as all of its dependencies have settled
 * (whatever their outcome: `process` itself decides what a failed upstream means), with
 * no limit of its own — launchers' slots and the I/O semaphore bound the real work.
 * Resolves when every node has settled; rejects with the first error `process` throws
 * (an engine bug, not an action failure: those settle normally).
 */
export function runDag(nodes: readonly DagNode[], process: (index: number) => Promise<void>): Promise<void> {
  const total = nodes.length;
  if (total === 0) return Promise.resolve();
  const dependents: number[][] = Array.from({ length: total }, () => []);
  const remaining = new Array<number>(total).fill(0);
  for (const node of nodes) {
    remaining[node.index] = node.deps.length;
    for (const dep of node.deps) dependents[dep]!.push(node.index);
  }
  let settled = 0;
  return new Promise<void>((resolveAll, rejectAll) => {
    const start = (index: number) => {
      process(index).then(
        () => {
          settled++;
          for (const d of dependents[index]!) if (--remaining[d]! === 0) start(d);
          if (settled === total) resolveAll();
        },
        (error: unknown) => rejectAll(error),
      );
    };
    for (const node of nodes) if (node.deps.length === 0) start(node.index);
  });
}
