import type { AssetHandler } from './contracts/handler.js';
import type { Action, PartitionKey, PartitionSpec } from './define.js';
import { isAction } from './define.js';
import { AeroError, ErrorCodes } from './errors.js';
import { aggregate } from './plan-issues.js';
import { instanceDirName } from './keys.js';
import { knownParamKeys, ReadTracker, unknownParamIssues } from './param-keys.js';
import { applySelection } from './selection.js';
import { didYouMean, nearestNames } from './suggest.js';
import { showGiven } from './util/show-given.js';
import { EscapingPaths, unsafeNameIssues } from './output-paths.js';
import { fillTemplate, templateSyntaxProblems, templateTags, varIssues } from './templates.js';

export type { PlannedInput, PlannedInstance, Plan } from './plan-types.js';
import type { PlannedInput, PlannedInstance, Plan } from './plan-types.js';
import { PlanPins } from './reproduce/plan-pins.js';
import type { PinnedOutput } from './reproduce/pin-types.js';

export interface PlanOptions {
  params: Record<string, unknown>;
  handlers: Map<string, AssetHandler<any, any, any>>;
  /** `--only` selectors: action name, group, type, output name, or `action[key=value,...]`. */
  only?: string[];
  /** Extra template variables (`{root}`, `{dataset}`) from the config. */
  vars?: Record<string, unknown>;
  /** Dot path → file the value came from, to name it in errors. */
  origins?: Record<string, string>;
  /** Dot paths `${...}` interpolations read: value sources, not unknown keys (config loaders report them). */
  references?: readonly string[];
  /** `--use` pins: these outputs come from the store, their producers do not run (reproduce/plan-pins.ts). */
  pins?: readonly PinnedOutput[];
}

/** Normalise `actions` (array or record) to a list. */
export function actionList(actions: readonly Action[] | Record<string, Action>): Action[] {
  return Array.isArray(actions) ? [...actions] : Object.values(actions);
}

/**
 * Build the instance DAG and report every problem findable without touching data,
 * all at once (CMB-ML's pre-run): duplicate names, missing producers, unknown handlers,
 * invalid params (with dot paths), unknown template tags, partition mismatches, cycles.
 */
export function plan(actionsInput: readonly Action[] | Record<string, Action>, options: PlanOptions): Plan {
  const actions = actionList(actionsInput);
  const issues: AeroError[] = [];
  // The actions with unique names, in declaration order; what the plan knows of each is kept
  // in arrays by that position, and names are looked up once (a map per fact cost seconds of
  // hashing at 1,000,000 actions).
  const unique: Action[] = [];
  const indexOf = new Map<string, number>();
  const byName = (name: string): Action | undefined => {
    const i = indexOf.get(name);
    return i === undefined ? undefined : unique[i];
  };

  actions.forEach((action, i) => {
    if (!isAction(action)) {
      issues.push(new AeroError(ErrorCodes.CONFIG_INVALID, `actions[${i}] is not an action.`, { hint: 'Create actions with defineAction() or defineCommand().' }));
      return;
    }
    if (indexOf.has(action.name)) {
      issues.push(new AeroError(ErrorCodes.PLAN_DUPLICATE_ACTION, `Two actions are named \`${action.name}\`.`, { hint: 'Action names must be unique; rename one of them.' }));
      return;
    }
    indexOf.set(action.name, unique.length);
    unique.push(action);
  });

  issues.push(...unsafeNameIssues(unique), ...varIssues(options.vars));
  for (const action of unique) resourceIssues(action, issues);

  // Inputs must point at declared outputs of existing actions; outputs at known handlers.
  for (const action of unique) {
    for (const [inputName, ref] of Object.entries(action.inputs)) {
      const producer = byName(ref.action);
      if (!producer) {
        issues.push(new AeroError(ErrorCodes.PLAN_MISSING_PRODUCER, `Input \`${inputName}\` of \`${action.name}\` needs \`${ref.action}.${ref.output}\`, but no action \`${ref.action}\` exists.`, { hint: `Add \`${ref.action}\` to \`actions\` in aero.config.ts.` }));
      } else if (!(ref.output in producer.outputs)) {
        issues.push(new AeroError(ErrorCodes.PLAN_MISSING_PRODUCER, `Input \`${inputName}\` of \`${action.name}\` needs output \`${ref.output}\` of \`${ref.action}\`, which declares ${listOrNone(Object.keys(producer.outputs))}.`, { hint: `Declare \`${ref.output}\` in the outputs of \`${ref.action}\` or fix the reference.` }));
      }
    }
    for (const [outputName, spec] of Object.entries(action.outputs)) {
      if (!options.handlers.has(spec.handler)) {
        issues.push(new AeroError(ErrorCodes.PLAN_UNKNOWN_HANDLER, `Output \`${outputName}\` of \`${action.name}\` uses handler \`${spec.handler}\`, which is not installed (known: ${[...options.handlers.keys()].sort().join(', ')}).`, { hint: 'Add the handler plugin to `plugins` in aero.config.ts (e.g. npyHandlers() from @aeroml/handler-npy).' }));
      }
    }
  }

  const cycle = findCycle(unique, indexOf);
  if (cycle) issues.push(new AeroError(ErrorCodes.PLAN_CYCLE, `The pipeline has a cycle: ${cycle.join(' -> ')}.`, { hint: 'An action cannot depend on its own outputs, directly or through others.' }));

  // Params: validated per action against its zod schema, errors carry dot paths.
  // By position in `unique`; `resolved[i]` is 0 when the action's params are invalid.
  const resolvedParams: unknown[] = new Array(unique.length);
  const resolved = new Uint8Array(unique.length);
  for (let i = 0; i < unique.length; i++) {
    const action = unique[i]!;
    const raw = options.params[action.paramsKey] ?? {};
    if (!action.params) {
      resolvedParams[i] = raw;
      resolved[i] = 1;
      continue;
    }
    // A config loaded without type checking can give defaults where a schema belongs.
    if (typeof (action.params as { safeParse?: unknown }).safeParse !== 'function') {
      issues.push(
        new AeroError(ErrorCodes.PLAN_INVALID_PARAMS, `Params of \`${action.name}\`: \`params\` is not a zod schema (got ${describeValue(action.params)}).`, {
          hint: "Declare them with zod, defaults included: import { z } from 'zod'; params: z.object({ n: z.number().default(3) }).",
        }),
      );
      continue;
    }
    const result = action.params.safeParse(raw);
    if (result.success) {
      resolvedParams[i] = result.data;
      resolved[i] = 1;
      continue;
    }
    for (const issue of result.error.issues) {
      const segments = [action.paramsKey, ...issue.path.map(String)];
      const path = segments.join('.');
      const origin = options.origins?.[path];
      // `key=value` only replaces a key that is in the tree; a key the config never set is added with `+`.
      const set = hasPath(options.params, segments) ? '' : '+';
      issues.push(new AeroError(ErrorCodes.PLAN_INVALID_PARAMS, `Param \`${path}\` of \`${action.name}\`: ${issue.message}${origin ? ` (set in ${origin})` : ''}.`, { hint: `Fix it in the config or set it: aero run ${set}${path}=<value>` }));
    }
  }

  // Partitions are computed before anything is wired: the keys partition functions read
  // from `root` are known keys, and their problems join the others.
  const reads = new ReadTracker();
  const trackedRoot = reads.wrap(options.params);
  // By position in `unique`; undefined for an action whose params or partitions failed.
  const partitionKeys: Array<ReadonlyArray<PartitionKey | undefined> | undefined> = new Array(unique.length);
  // The instance ids and folder names of each partitioned action, by position, made once.
  const partitionIds: Array<InstanceNames | undefined> = new Array(unique.length);
  for (let i = 0; i < unique.length; i++) {
    const action = unique[i]!;
    if (!resolved[i]) continue;
    if (!action.partitions) {
      partitionKeys[i] = UNPARTITIONED;
      continue;
    }
    try {
      let keys: PartitionKey[];
      try {
        keys = expandPartitions(action.partitions, resolvedParams[i], trackedRoot);
      } catch (error) {
        if (error instanceof AeroError) throw error;
        // Some code cannot take a proxy (structuredClone): run on the plain tree, and
        // since what it read is then unknown, count every key as read.
        keys = expandPartitions(action.partitions, resolvedParams[i], options.params);
        reads.readEverything();
      }
      const checked = checkedPartitions(keys);
      partitionIds[i] = instanceNames(action.name, checked);
      partitionKeys[i] = checked;
    } catch (error) {
      issues.push(partitionError(action, error));
    }
  }
  const known = knownParamKeys(unique, { rootReads: reads.keyTree(), references: options.references ?? [] });
  issues.push(...unknownParamIssues(options.params, known, options.origins));
  // Templates need the tags (partition keys, params): checked here to join the others.
  for (let i = 0; i < unique.length; i++) {
    const keys = partitionKeys[i];
    if (keys) issues.push(...checkTemplates(unique[i]!, keys[0], resolvedParams[i], options.vars));
  }

  if (issues.length > 0 || cycle) throw aggregate(issues);

  // Resolve output templates, wire instance inputs.
  const order = topoOrder(unique, indexOf);
  const ordered = order.map((i) => unique[i]!);
  const pins = options.pins?.length ? new PlanPins(options.pins) : undefined;
  const instances: PlannedInstance[] = [];
  const byAction = new Map<string, number[]>();
  const indexCache = new Map<string, Map<string, number[]>>();
  const escapes = new EscapingPaths();
  const unfillable = new Set<string>();
  for (const position of order) {
    const action = unique[position]!;
    const keys = partitionKeys[position]!;
    const indices: number[] = [];
    const params = resolvedParams[position];
    const names = partitionIds[position];
    for (let k = 0; k < keys.length; k++) {
      const partition = keys[k];
      const id = names ? names.ids[k]! : action.name;
      const inputs: Record<string, PlannedInput> = {};
      let deps: Set<number> | undefined;
      for (const inputName in action.inputs) {
        const ref = action.inputs[inputName]!;
        const pinned = pins?.producersOf(ref.action, ref.output);
        const producerIdx = pinned?.indices ?? byAction.get(ref.action) ?? [];
        let matches = matchProducers(instances, producerIdx, partition, pinned?.cacheName ?? ref.action, indexCache);
        if (ref.where) {
          const where = Object.entries(ref.where);
          matches = matches.filter((m) => where.every(([k, v]) => String(instances[m]!.partition?.[k]) === String(v)));
        }
        if (pinned && matches.length === 0) {
          issues.push(PlanPins.mismatch(`${ref.action}.${ref.output}`, id, inputName));
          continue;
        }
        if (!ref.gather && matches.length !== 1) {
          issues.push(new AeroError(ErrorCodes.PLAN_PARTITION_MISMATCH, matches.length === 0
            ? `Input \`${inputName}\` of \`${id}\` matches no instance of \`${ref.action}\`.`
            : `Input \`${inputName}\` of \`${id}\` matches ${matches.length} instances of \`${ref.action}\`.`, {
            hint: matches.length === 0 ? `Give \`${ref.action}\` a partition for every key \`${action.name}\` uses.` : `Use \`${ref.action}.output('${ref.output}').all()\` to gather them, or partition \`${action.name}\` by the same keys.`,
          }));
          continue;
        }
        if (ref.gather && matches.length === 0) {
          issues.push(new AeroError(ErrorCodes.PLAN_PARTITION_MISMATCH, `Input \`${inputName}\` of \`${id}\` gathers nothing: no instance of \`${ref.action}\` shares its partition keys.`));
          continue;
        }
        inputs[inputName] = { ref, producers: matches };
        deps ??= new Set<number>();
        for (const m of matches) deps.add(m);
      }
      const outputs: Record<string, { path: string; handler: string }> = {};
      // Built on the first template with a tag: most outputs use the default `<name>.<ext>`.
      let vars: Record<string, unknown> | undefined;
      for (const outputName in action.outputs) {
        const spec = action.outputs[outputName]!;
        const handler = options.handlers.get(spec.handler)!;
        const ext = handler.extensions[0] ?? 'bin';
        const template = spec.path ?? `${outputName}.${ext}`;
        let path: string;
        try {
          // Without a `{` there is no tag to fill: the template is the path.
          path = template.includes('{') ? fillTemplate(template, { ...(vars ??= templateVars(action, partition, params, options.vars)), output: outputName, ext }) : template;
        } catch (error) {
          // A tag only some partitions have, or `{sim:d}` on a non-integer: once per output.
          const key = `${action.name}\u0000${outputName}`;
          if (!unfillable.has(key) && error instanceof AeroError) issues.push(new AeroError(error.code, `Output \`${outputName}\` of \`${id}\`: ${error.message}`, { ...(error.hint ? { hint: error.hint } : {}) }));
          unfillable.add(key);
          continue;
        }
        escapes.check(id, action, outputName, path, template);
        outputs[outputName] = { path, handler: spec.handler };
      }
      const index = instances.length;
      instances.push({ index, id, dir: names ? names.dirs[k]! : instanceDirName(id), action, partition, params, inputs, outputs, deps: deps ? [...deps] : [], selected: true });
      indices.push(index);
    }
    byAction.set(action.name, indices);
    pins?.addStandIns(action, params, instances);
  }
  issues.push(...escapes.issues());
  if (issues.length > 0) throw aggregate(issues);

  const result: Plan = { actions: ordered, instances, byAction };
  pins?.dropReplaced(result);
  if (options.only && options.only.length > 0) applySelection(result, options.only);
  return result;
}

/** The keys of an action without partitions: one instance, no key (shared, never changed). */
const UNPARTITIONED: ReadonlyArray<PartitionKey | undefined> = Object.freeze([undefined]);

/**
 * Partition keys as plain copies (a function may return values read from the tracked
 * params proxy) whose values are strings or finite numbers: they name instances,
 * folders and output paths.
 */
function checkedPartitions(keys: PartitionKey[]): PartitionKey[] {
  const bad: string[] = [];
  const copies = keys.map((key, i) => {
    const copy: PartitionKey = { ...key };
    for (const [k, v] of Object.entries(copy)) {
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)) && bad.length < 5) bad.push(`partition ${i} has \`${k}\` = ${typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v)}`);
    }
    return copy;
  });
  if (bad.length > 0) {
    throw new AeroError(ErrorCodes.PLAN_PARTITION_INVALID, `${bad.join(', ')}; partition values are strings or finite numbers.`, { hint: 'Return keys like { split: "train", sim: 3 } from the partitions function.' });
  }
  return copies;
}

interface InstanceNames {
  /** `simulate[split=test,sim=3]`, by partition. */
  ids: string[];
  /** The folder of each (instanceDirName). */
  dirs: string[];
}

/**
 * The instance id and folder of each partition, refusing two partitions that make the same
 * instance: values that print alike (`1` and `'1'`), a key listed twice, the same keys in
 * another order, or ids that differ only in characters a folder name replaces. Each would
 * run twice under one id (and one log folder), and `--only` could not tell them apart.
 */
function instanceNames(action: string, keys: readonly PartitionKey[]): InstanceNames {
  const ids = new Array<string>(keys.length);
  const dirs = new Array<string>(keys.length);
  const firstWithDir = new Map<string, number>();
  // Only folders two partitions make: the partitions that make each, in order.
  const repeated = new Map<string, number[]>();
  // Partitions whose keys all come in one order (the usual case) cannot differ only in order.
  let order: string[] | undefined;
  let mixed = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    let id = `${action}[`;
    let n = 0;
    for (const k in key) {
      if (n > 0) id += ',';
      id += `${k}=${key[k]}`;
      if (order && order[n] !== k) mixed = true;
      n++;
    }
    if (!order) order = Object.keys(key);
    else if (n !== order.length) mixed = true;
    id += ']';
    const dir = instanceDirName(id);
    ids[i] = id;
    dirs[i] = dir;
    const first = firstWithDir.get(dir);
    if (first === undefined) firstWithDir.set(dir, i);
    else {
      const group = repeated.get(dir);
      if (group) group.push(i);
      else repeated.set(dir, [first, i]);
    }
  }
  const groups = [...repeated.values()].map((group) => ({ group, how: sameFolder(group, ids, dirs) }));
  if (mixed) {
    // Same keys and values in another order: one partition (inputs match on values, `--only` too).
    const firstWithValues = new Map<string, number>();
    const reordered = new Map<string, number[]>();
    for (let i = 0; i < keys.length; i++) {
      if (firstWithDir.get(dirs[i]!) !== i) continue; // named above already
      const values = Object.keys(keys[i]!).sort().map((k) => `${k}=${String(keys[i]![k])}`).join('\u0000');
      const first = firstWithValues.get(values);
      if (first === undefined) firstWithValues.set(values, i);
      else reordered.set(values, [...(reordered.get(values) ?? [first]), i]);
    }
    for (const group of reordered.values()) groups.push({ group, how: `are one partition, its keys in other orders (${group.slice(0, 3).map((i) => `\`${ids[i]}\``).join(', ')})` });
  }
  if (groups.length === 0) return { ids, dirs };
  const shown = groups.slice(0, 3).map(({ group, how }) => `${partitionList(group)} (${givenKeys(group, keys)}) ${how}`);
  const more = groups.length > shown.length ? `; ${groups.length - shown.length} more instances are made more than once` : '';
  throw new AeroError(ErrorCodes.PLAN_PARTITION_INVALID, `${shown.join('; ')}${more}. Each partition must make an instance of its own.`, {
    hint: "Give each partition values of its own: a number and a string that print alike (1 and '1') make one instance; remove keys listed twice.",
    details: { action, instances: groups.map(({ group }) => ids[group[0]!]) },
  });
}

/** How the partitions of `group` collide: one id, or ids one folder name stands for. */
function sameFolder(group: number[], ids: string[], dirs: string[]): string {
  const distinct = [...new Set(group.map((i) => ids[i]!))];
  if (distinct.length === 1) return `${group.length === 2 ? 'both' : 'all'} make the instance \`${distinct[0]}\``;
  return `make ${distinct.slice(0, 3).map((id) => `\`${id}\``).join(' and ')}, which share the folder \`${dirs[group[0]!]}\``;
}

/** `partitions 0 and 1`, `partitions 0, 2, 5 and 7`, `partitions 0, 1, 2, 3, 4 and 15 more`. */
function partitionList(group: number[]): string {
  const head = group.slice(0, 5);
  const rest = group.length - head.length;
  return rest > 0 ? `partitions ${head.join(', ')} and ${rest} more` : `partitions ${head.slice(0, -1).join(', ')} and ${head[head.length - 1]}`;
}

/** The keys as given: `each {"k":"x"}`, or `{"i":1} and {"i":"1"}`. */
function givenKeys(group: number[], keys: readonly PartitionKey[]): string {
  const distinct = [...new Set(group.map((i) => showGiven(keys[i])))];
  if (distinct.length === 1) return `each ${distinct[0]}`;
  return distinct.length > 3 ? `${distinct.slice(0, 3).join(', ')}, ...` : `${distinct.slice(0, -1).join(', ')} and ${distinct[distinct.length - 1]}`;
}

function partitionError(action: Action, error: unknown): AeroError {
  if (error instanceof AeroError) {
    return new AeroError(error.code, `Partitions of \`${action.name}\`: ${error.message}`, { ...(error.hint ? { hint: error.hint } : {}), ...(error.details ? { details: error.details } : {}), cause: error });
  }
  return new AeroError(ErrorCodes.PLAN_INVALID, `Partitions of \`${action.name}\` could not be computed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

function hasPath(tree: Record<string, unknown>, path: string[]): boolean {
  let node: unknown = tree;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

function hasNoKeys(record: Record<string, unknown>): boolean {
  for (const _ in record) return false;
  return true;
}

function listOrNone(names: string[]): string {
  return names.length === 0 ? 'no outputs' : names.map((n) => `\`${n}\``).join(', ');
}

export function expandPartitions(spec: PartitionSpec, params?: unknown, root: Record<string, unknown> = {}): PartitionKey[] {
  const list = typeof spec === 'function' ? spec(params, { root }) : spec;
  if (Array.isArray(list)) return [...(list as PartitionKey[])];
  const axes = Object.entries(list as Record<string, readonly (string | number)[]>);
  let keys: PartitionKey[] = [{}];
  for (const [axis, values] of axes) {
    const next: PartitionKey[] = [];
    for (const key of keys) for (const value of values) next.push({ ...key, [axis]: value });
    keys = next;
  }
  return keys;
}

function templateVars(action: Action, partition: PartitionKey | undefined, params: unknown, extra: Record<string, unknown> | undefined): Record<string, unknown> {
  const vars: Record<string, unknown> = { ...(extra ?? {}), stage: action.name, action: action.name };
  if (params && typeof params === 'object') {
    for (const [k, v] of Object.entries(params)) if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
  }
  return { ...vars, ...(partition ?? {}) };
}

function checkTemplates(action: Action, partition: PartitionKey | undefined, params: unknown, extra: Record<string, unknown> | undefined): AeroError[] {
  const issues: AeroError[] = [];
  // The tags in scope, built only for an action with a path template (most have none).
  let vars: Record<string, unknown> | undefined;
  for (const outputName in action.outputs) {
    const spec = action.outputs[outputName]!;
    if (!spec.path) continue;
    vars ??= { ...templateVars(action, partition, params, extra), output: '', ext: '' };
    const syntax = templateSyntaxProblems(spec.path);
    if (syntax.length > 0) {
      issues.push(new AeroError(ErrorCodes.PLAN_TEMPLATE_INVALID, `Output \`${outputName}\` of \`${action.name}\` has path template \`${spec.path}\` with ${syntax.join(', ')}.`, {
        hint: 'Tags look like {split} or {sim:04d}: a name of letters, digits and _, an optional :format; braces have no other use in output paths.',
      }));
      continue;
    }
    for (const tag of templateTags(spec.path)) {
      if (!(tag in vars)) {
        issues.push(new AeroError(ErrorCodes.PLAN_UNKNOWN_TEMPLATE_TAG, `Output \`${outputName}\` of \`${action.name}\` has path template \`${spec.path}\` with unknown tag \`{${tag}}\`.`, {
          hint: `Known tags here: ${Object.keys(vars).sort().map((t) => `{${t}}`).join(', ')}. Partition keys, scalar params and config \`vars\` can be used.`,
        }));
      }
    }
  }
  return issues;
}

/** Producer instances whose partition agrees with `partition` on every shared key. */
function matchProducers(instances: PlannedInstance[], producerIdx: number[], partition: PartitionKey | undefined, producerName: string, cache: Map<string, Map<string, number[]>>): number[] {
  if (producerIdx.length === 0) return [];
  const producerKeys = Object.keys(instances[producerIdx[0]!]!.partition ?? {});
  const shared = partition ? producerKeys.filter((k) => k in partition) : [];
  if (shared.length === 0) return producerIdx;
  const cacheKey = `${producerName}|${shared.join(',')}`;
  let index = cache.get(cacheKey);
  if (!index) {
    index = new Map();
    for (const i of producerIdx) {
      const p = instances[i]!.partition ?? {};
      const k = shared.map((s) => String(p[s])).join('\u0000');
      const list = index.get(k);
      if (list) list.push(i);
      else index.set(k, [i]);
    }
    cache.set(cacheKey, index);
  }
  return index.get(shared.map((s) => String(partition![s])).join('\u0000')) ?? [];
}

/** Positions of the producers an action names, in input order (unknown names left out). */
function depsOf(action: Action, indexOf: Map<string, number>): number[] {
  const deps: number[] = [];
  for (const name in action.inputs) {
    const i = indexOf.get(action.inputs[name]!.action);
    if (i !== undefined) deps.push(i);
  }
  return deps;
}

/** Iterative DFS (a 100,000-long chain must not overflow the stack); returns the cycle path. */
function findCycle(unique: readonly Action[], indexOf: Map<string, number>): string[] | undefined {
  const VISITING = 1;
  const DONE = 2;
  const state = new Uint8Array(unique.length);
  for (let root = 0; root < unique.length; root++) {
    if (state[root]) continue;
    // An action without inputs closes no cycle (most of a large fan-out): no frame for it
    // (and no state: entered from a consumer, it is done at once).
    if (hasNoKeys(unique[root]!.inputs)) continue;
    const path: number[] = [];
    const stack: Array<{ at: number; next: number; deps: number[] }> = [];
    const enter = (at: number) => {
      state[at] = VISITING;
      path.push(at);
      stack.push({ at, next: 0, deps: depsOf(unique[at]!, indexOf) });
    };
    enter(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next >= frame.deps.length) {
        state[frame.at] = DONE;
        stack.pop();
        path.pop();
        continue;
      }
      const dep = frame.deps[frame.next++]!;
      if (state[dep] === VISITING) return [...path.slice(path.indexOf(dep)), dep].map((i) => unique[i]!.name);
      if (state[dep] !== DONE) enter(dep);
    }
  }
  return undefined;
}

/** Positions of the actions, producers before consumers (iterative post-order), stable in declaration order. */
function topoOrder(unique: readonly Action[], indexOf: Map<string, number>): number[] {
  const out: number[] = [];
  const done = new Uint8Array(unique.length);
  for (let root = 0; root < unique.length; root++) {
    if (done[root]) continue;
    done[root] = 1;
    if (hasNoKeys(unique[root]!.inputs)) {
      out.push(root);
      continue;
    }
    const stack: Array<{ at: number; next: number; deps: number[] }> = [{ at: root, next: 0, deps: depsOf(unique[root]!, indexOf) }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next < frame.deps.length) {
        const producer = frame.deps[frame.next++]!;
        if (!done[producer]) {
          done[producer] = 1;
          stack.push({ at: producer, next: 0, deps: depsOf(unique[producer]!, indexOf) });
        }
        continue;
      }
      out.push(frame.at);
      stack.pop();
    }
  }
  return out;
}

/**
 * What each `resources` key core knows takes. Checked at plan time: a NaN from
 * `Number(process.env.CPUS)` took NaN slots, which no launcher ever has free, so the run
 * stopped with nothing run and no error. Other keys are a launcher's own settings, an
 * object under its name (`slurm: {...}`, `docker: {...}`) that the launcher checks.
 */
const RESOURCE_RULES: Record<string, { allows: (value: number) => boolean; takes: string; example: string; unset: string }> = {
  cpus: { allows: (v) => Number.isInteger(v) && v >= 1, takes: 'a whole number of at least 1: the CPU slots an instance holds while it runs, out of `-j`', example: 'cpus: 2', unset: 'for 1 slot' },
  gpus: { allows: (v) => Number.isInteger(v) && v >= 0, takes: 'a whole number of at least 0: the GPUs each instance gets', example: 'gpus: 1', unset: 'for none' },
  memoryMb: { allows: (v) => Number.isInteger(v) && v >= 1, takes: 'a whole number of megabytes, at least 1', example: 'memoryMb: 4096', unset: "for the launcher's default" },
  timeMinutes: { allows: (v) => Number.isFinite(v) && v > 0, takes: 'a number of minutes above 0: the time limit of each instance', example: 'timeMinutes: 30', unset: 'for no limit' },
};
const RESOURCE_KEYS = Object.keys(RESOURCE_RULES);

/** Problems of an action's `resources` (CONFIG_INVALID), each with its dot path, the value given and what is allowed. */
function resourceIssues(action: Action, issues: AeroError[]): void {
  const resources = action.resources as Record<string, unknown>;
  for (const key in resources) {
    const value = resources[key];
    if (value === undefined) continue; // not set: the default applies
    const path = `actions.${action.name}.resources.${key}`;
    const rule = RESOURCE_RULES[key];
    if (rule) {
      if (typeof value === 'number' && rule.allows(value)) continue;
      const nan = typeof value === 'number' && Number.isNaN(value) ? ' (what `Number()` gives for an unset or non-numeric value)' : '';
      issues.push(new AeroError(ErrorCodes.CONFIG_INVALID, `\`${path}\` is ${showGiven(value)}${nan}; \`${key}\` takes ${rule.takes}.`, {
        hint: `Set \`resources: { ${rule.example} }\` on \`${action.name}\`, or leave \`${key}\` out ${rule.unset}.`,
        details: { path, value: typeof value === 'number' && !Number.isFinite(value) ? String(value) : value },
      }));
      continue;
    }
    // A launcher's settings: an object it validates itself.
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) continue;
    const near = nearestNames(key, RESOURCE_KEYS);
    issues.push(new AeroError(ErrorCodes.CONFIG_INVALID, `\`${path}\` is not a resources key (it is ${showGiven(value)}): core reads ${RESOURCE_KEYS.map((k) => `\`${k}\``).join(', ')}, and a launcher reads its settings from an object under its name (\`slurm: {...}\`, \`docker: {...}\`).`, {
      hint: near.length > 0 ? `${didYouMean(near)} resources: { ${near[0]}: ${showGiven(value)} }` : `Remove \`${key}\` from the resources of \`${action.name}\`, or move it into the settings object of the launcher that reads it.`,
      details: { path, suggestions: near },
    }));
  }
}


/** What a value is, for a message: `a plain object`, `an array`, `a number`. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return Object.getPrototypeOf(value) === Object.prototype ? 'a plain object' : 'an object that is not a schema';
  return `a ${typeof value}`;
}
