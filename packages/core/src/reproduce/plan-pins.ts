import type { Action } from '../define.js';
import { AeroError, ErrorCodes } from '../errors.js';
import { keepInstances } from '../keep-instances.js';
import { instanceDirName } from '../keys.js';
import type { Plan, PlannedInstance } from '../plan-types.js';
import type { PinnedOutput } from './pin-types.js';

/**
 * The planner's side of `--use`: a pinned output becomes an external input. Each pinned
 * version is a stand-in instance with no inputs (the engine hands its digest on without
 * running anything); consumers are wired to the stand-ins; the producer, and whatever
 * upstream only it needed, leaves the plan unless something else still reads from it.
 */
export class PlanPins {
  /** `<action>.<output>` → indices of its stand-in instances. */
  private readonly standIns = new Map<string, number[]>();
  private readonly byAction = new Map<string, PinnedOutput[]>();

  constructor(readonly pins: readonly PinnedOutput[]) {
    for (const pin of pins) {
      const list = this.byAction.get(pin.action) ?? [];
      list.push(pin);
      this.byAction.set(pin.action, list);
    }
  }

  /** Adds the stand-ins of `action`'s pinned outputs (right after its own instances). */
  addStandIns(action: Action, params: unknown, instances: PlannedInstance[]): void {
    for (const pin of this.byAction.get(action.name) ?? []) {
      const indices: number[] = [];
      for (const version of pin.versions) {
        const suffix = version.partition ? `[${Object.entries(version.partition).map(([k, v]) => `${k}=${v}`).join(',')}]` : '';
        const id = `${pin.label}${suffix}`;
        const index = instances.length;
        instances.push({
          index, id, dir: instanceDirName(id), action, partition: version.partition, params,
          inputs: {}, outputs: {}, deps: [], selected: true,
          pinned: { artifact: pin.artifact, output: pin.output, digest: version.digest, label: pin.label, ...(version.producer ? { producer: version.producer } : {}) },
        });
        indices.push(index);
      }
      this.standIns.set(pin.artifact, indices);
    }
  }

  /** The instances a consumer of `action.output` matches against: stand-ins when pinned. */
  producersOf(action: string, output: string): { indices: number[]; cacheName: string } | undefined {
    const indices = this.standIns.get(`${action}.${output}`);
    return indices ? { indices, cacheName: `${action}.${output}@pin` } : undefined;
  }

  /**
   * Drops the pinned producers that nothing reads from any more, then the upstream that
   * only they needed; renumbers what is left. The producer of a pinned output that also
   * feeds another, unpinned, input stays (that input still needs it).
   */
  dropReplaced(plan: Plan): void {
    const { instances } = plan;
    const dependents: number[][] = instances.map(() => []);
    for (const inst of instances) for (const d of inst.deps) dependents[d]!.push(inst.index);
    const removed = new Set<number>();
    const queue: number[] = [];
    for (const inst of instances) {
      if (!inst.pinned && this.byAction.has(inst.action.name) && dependents[inst.index]!.length === 0) {
        removed.add(inst.index);
        queue.push(inst.index);
      }
    }
    while (queue.length > 0) {
      const i = queue.pop()!;
      for (const d of instances[i]!.deps) {
        if (!removed.has(d) && dependents[d]!.every((x) => removed.has(x))) {
          removed.add(d);
          queue.push(d);
        }
      }
    }
    if (removed.size > 0) keepInstances(plan, (index) => !removed.has(index));
    plan.pins = [...this.pins];
  }

  /**
   * A pinned version must exist for every partition its consumers read: a consumer
   * instance that matches no stand-in gets the planner's usual mismatch issue; this adds
   * which pin it was.
   */
  static mismatch(pin: string, consumer: string, inputName: string): AeroError {
    return new AeroError(ErrorCodes.PIN_PARTITIONS_MISSING, `Input \`${inputName}\` of \`${consumer}\` needs a version of ${pin} for its partition, and the pin has none.`, {
      hint: 'Pin a run that produced every partition (--use <action>.<output>@<run-id>), or a tag made from one.',
    });
  }
}
