import { AeroError, ErrorCodes } from '../errors.js';

/** What the scheduler needs of a planned instance: its position and what it waits for. */
export interface DagNode {
  index: number;
  /** Indices of the nodes this one waits for (deduplicated, as the planner makes them). */
  deps: readonly number[];
  /** The instance id, to name the nodes of a stalled run (a planned instance has one). */
  id?: string;
}

/**
 * Runs whose nodes are still unsettled, each with what to do if the process runs out of
 * work. Node emits `beforeExit` when its event loop is empty: no timer, I/O, child process
 * or worker is left that could ever settle a node still waiting (for a launcher slot that
 * no running job will free, say). Without this the process just ended, exit status 0, the
 * run neither finished nor failed; with it the run fails with RUN_STALLED.
 */
const unsettledRuns = new Set<() => void>();
const onEmptyEventLoop = () => {
  for (const stall of [...unsettledRuns]) stall();
};

function watchForStall(stall: () => void): () => void {
  if (unsettledRuns.size === 0) process.on('beforeExit', onEmptyEventLoop);
  unsettledRuns.add(stall);
  return () => {
    if (!unsettledRuns.delete(stall)) return;
    if (unsettledRuns.size === 0) process.off('beforeExit', onEmptyEventLoop);
  };
}

function stalledError(nodes: readonly DagNode[], inFlight: ReadonlySet<number>, settled: number): AeroError {
  const total = nodes.length;
  const waiting = [...inFlight];
  // A plan's nodes sit at their index; any other list is searched.
  const idOf = (i: number) => (nodes[i]?.index === i ? nodes[i] : nodes.find((n) => n.index === i))?.id ?? `#${i}`;
  const named = waiting.slice(0, 5).map((i) => `\`${idOf(i)}\``);
  const more = waiting.length > named.length ? ` and ${waiting.length - named.length} more` : '';
  const list = named.length > 0 ? `: ${named.join(', ')}${more} ${waiting.length === 1 ? 'waits' : 'wait'} for a launcher slot, GPUs or a job result that nothing left in the process can bring` : '';
  return new AeroError(ErrorCodes.RUN_STALLED, `The run stalled with ${total - settled} of ${total} instances unfinished${list}.`, {
    hint: 'Check that `-j` / `concurrency` and the `maxConcurrency` of the launcher are whole numbers of at least 1, and the `resources.cpus` / `resources.gpus` of those actions (a launcher plugin whose jobs never end is a bug of that plugin); then run again: what finished is cached.',
    details: { unfinished: total - settled, total, waiting: waiting.map(idOf) },
  });
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
 * (an engine bug, not an action failure: those settle normally), or with RUN_STALLED when
 * the process has nothing left to do while nodes are unsettled (see watchForStall).
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
  // Nodes whose `process` has started and not settled: the ones a stall names.
  const inFlight = new Set<number>();
  return new Promise<void>((resolve, reject) => {
    const unwatch = watchForStall(() => rejectAll(stalledError(nodes, inFlight, settled)));
    const resolveAll = () => {
      unwatch();
      resolve();
    };
    const rejectAll = (error: unknown) => {
      unwatch();
      reject(error);
    };
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
      inFlight.add(index);
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
          inFlight.delete(index);
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
