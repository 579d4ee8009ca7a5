import type { Action } from './define.js';
import { AeroError, ErrorCodes } from './errors.js';
import { formatValue, isPlainObject } from './overrides/values.js';
import type { OverrideValue } from './overrides/types.js';
import { didYouMean, nearestNames } from './suggest.js';

/**
 * Which keys of the params tree something reads. `open`: anything below is read (a
 * record, `z.any()`, an action without a schema, a value a partition function enumerated);
 * `leaf`: a scalar, takes no keys; `object`/`array`: only these children / this element.
 */
export type KeyTree = { kind: 'open' } | { kind: 'leaf' } | { kind: 'object'; children: Map<string, KeyTree> } | { kind: 'array'; element: KeyTree };

const OPEN: KeyTree = { kind: 'open' };
const LEAF: KeyTree = { kind: 'leaf' };

export function mergeKeyTrees(a: KeyTree, b: KeyTree): KeyTree {
  if (a.kind === 'leaf') return b;
  if (b.kind === 'leaf') return a;
  if (a.kind === 'open' || b.kind === 'open') return OPEN;
  if (a.kind === 'object' && b.kind === 'object') {
    const children = new Map(a.children);
    for (const [k, v] of b.children) children.set(k, children.has(k) ? mergeKeyTrees(children.get(k)!, v) : v);
    return { kind: 'object', children };
  }
  if (a.kind === 'array' && b.kind === 'array') return { kind: 'array', element: mergeKeyTrees(a.element, b.element) };
  return OPEN;
}

interface ZodDefLike {
  type?: string;
  shape?: Record<string, unknown>;
  catchall?: unknown;
  innerType?: unknown;
  in?: unknown;
  out?: unknown;
  element?: unknown;
  options?: unknown[];
  left?: unknown;
  right?: unknown;
  getter?: () => unknown;
}

function zodDef(schema: unknown): ZodDefLike | undefined {
  return (schema as { _zod?: { def?: ZodDefLike } } | undefined)?._zod?.def;
}

/**
 * The keys a zod (v4) schema reads. zod strips unknown object keys silently, which is
 * how a misspelled key ran with its default; walking the schema's definition tells them
 * apart. Kinds this does not understand count as open, so nothing valid is refused.
 */
export function schemaKeyTree(schema: unknown, seen: Set<unknown> = new Set()): KeyTree {
  const def = zodDef(schema);
  if (!def) return OPEN;
  switch (def.type) {
    case 'object': {
      const catchall = zodDef(def.catchall);
      if (catchall && catchall.type !== 'never') return OPEN; // .loose() / .catchall(x)
      const children = new Map<string, KeyTree>();
      for (const [key, child] of Object.entries(def.shape ?? {})) children.set(key, schemaKeyTree(child, seen));
      return { kind: 'object', children };
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return schemaKeyTree(def.innerType, seen);
    case 'pipe':
      // What the user writes is the pipe's input; z.preprocess puts a transform first.
      return zodDef(def.in)?.type === 'transform' ? schemaKeyTree(def.out, seen) : schemaKeyTree(def.in, seen);
    case 'array':
      return { kind: 'array', element: schemaKeyTree(def.element, seen) };
    case 'union':
      return (def.options ?? []).map((o) => schemaKeyTree(o, seen)).reduce(mergeKeyTrees, LEAF);
    case 'intersection':
      return mergeKeyTrees(schemaKeyTree(def.left, seen), schemaKeyTree(def.right, seen));
    case 'lazy': {
      if (seen.has(schema) || !def.getter) return OPEN;
      seen.add(schema);
      return schemaKeyTree(def.getter(), seen);
    }
    case 'string': case 'number': case 'int': case 'boolean': case 'bigint': case 'enum': case 'literal': case 'null': case 'date': case 'nan':
      return LEAF;
    default:
      return OPEN; // record, map, any, unknown, tuple, custom, transform...
  }
}

/** A key tree with `path` (and everything below it) open: an interpolation read it. */
export function openAt(path: string[]): KeyTree {
  let tree: KeyTree = OPEN;
  for (let i = path.length - 1; i >= 0; i--) tree = { kind: 'object', children: new Map([[path[i]!, tree]]) };
  return tree;
}

interface ReadNode {
  /** Enumerated (`Object.keys`, `for...in`, spread): every child counts as read. */
  whole: boolean;
  children: Map<string, ReadNode>;
}

/**
 * Wraps the params tree handed to partition functions as `root` so the keys they read
 * are known: `splits(root.sims)` makes `sims` known, `root.sims.train` only `sims.train`.
 */
export class ReadTracker {
  private readonly top: ReadNode = { whole: false, children: new Map() };
  private readonly proxies = new WeakMap<object, unknown>();

  wrap<T extends object>(value: T): T {
    return this.proxy(value, this.top) as T;
  }

  private proxy(target: object, node: ReadNode): unknown {
    const cached = this.proxies.get(target);
    if (cached) return cached;
    const child = (key: string): ReadNode => {
      let c = node.children.get(key);
      if (!c) node.children.set(key, (c = { whole: false, children: new Map() }));
      return c;
    };
    const proxy = new Proxy(target, {
      get: (t, key, receiver) => {
        const value = Reflect.get(t, key, receiver) as unknown;
        if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(t, key)) return value;
        const c = child(key);
        if (typeof value !== 'object' || value === null) return value;
        const descriptor = Reflect.getOwnPropertyDescriptor(t, key);
        if (descriptor && !descriptor.configurable && !descriptor.writable) {
          c.whole = true; // a proxy invariant forbids wrapping a frozen value: count it all read
          return value;
        }
        return this.proxy(value, c);
      },
      has: (t, key) => {
        if (typeof key === 'string') child(key);
        return Reflect.has(t, key);
      },
      ownKeys: (t) => {
        node.whole = true;
        return Reflect.ownKeys(t);
      },
    });
    this.proxies.set(target, proxy);
    return proxy;
  }

  /** The reader saw the plain tree (see the planner): everything counts as read. */
  readEverything(): void {
    this.top.whole = true;
  }

  keyTree(): KeyTree {
    const convert = (node: ReadNode): KeyTree => {
      // Read but never looked into: the reader took the value as a whole.
      if (node.whole || node.children.size === 0) return OPEN;
      return { kind: 'object', children: new Map([...node.children].map(([k, c]) => [k, convert(c)])) };
    };
    if (this.top.whole) return OPEN;
    return this.top.children.size === 0 ? { kind: 'object', children: new Map() } : convert(this.top);
  }
}

export interface UnknownParamsOptions {
  /** Keys partition functions read from `root`. */
  rootReads?: KeyTree;
  /** Dot paths some `${...}` interpolation read: sources of values, checked where they land. */
  references?: readonly string[];
  origins?: Record<string, string>;
}

/** The params tree every action (and partition function, and interpolation) reads. */
export function knownParamKeys(actions: Iterable<Action>, options: UnknownParamsOptions): KeyTree {
  const children = new Map<string, KeyTree>();
  const bySchema = new Map<unknown, KeyTree>(); // generated pipelines share one schema across many actions
  for (const action of actions) {
    let tree = action.params ? bySchema.get(action.params) : OPEN;
    if (!tree) bySchema.set(action.params, (tree = schemaKeyTree(action.params)));
    children.set(action.paramsKey, children.has(action.paramsKey) ? mergeKeyTrees(children.get(action.paramsKey)!, tree) : tree);
  }
  let known: KeyTree = { kind: 'object', children };
  const merge = (tree: KeyTree) => {
    // Into the map built above, which nothing else holds, as mergeKeyTrees would (same keys,
    // same order): a copy of 100,000 action keys per merge was most of this function.
    if (known.kind === 'object' && known.children === children && tree.kind === 'object') {
      for (const [k, v] of tree.children) children.set(k, children.has(k) ? mergeKeyTrees(children.get(k)!, v) : v);
    } else known = mergeKeyTrees(known, tree);
  };
  if (options.rootReads) merge(options.rootReads);
  for (const ref of options.references ?? []) merge(openAt(ref.split('.')));
  return known;
}

/**
 * One PLAN_UNKNOWN_PARAM per key of `params` that nothing reads, with the nearest known
 * keys and a hint that works: the override to type for a key given on the command line
 * (with `+` when the key is not in the tree yet, as the override grammar requires), or
 * the file to fix for a key that came from one.
 */
export function unknownParamIssues(params: Record<string, unknown>, known: KeyTree, origins: Record<string, string> = {}): AeroError[] {
  const issues: AeroError[] = [];
  const walk = (value: unknown, tree: KeyTree, path: string[]) => {
    if (tree.kind === 'object' && isPlainObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        const childTree = tree.children.get(key);
        if (childTree) walk(child, childTree, [...path, key]);
        else for (const leaf of reportedPaths(child, [key])) issues.push(unknownParam(params, path, tree, leaf, valueAt(child, leaf.slice(1)), origins));
      }
    } else if (tree.kind === 'array' && Array.isArray(value)) {
      value.forEach((item, i) => walk(item, tree.element, [...path, String(i)]));
    }
  };
  walk(params, known, []);
  return issues;
}

/** A few leaves are named one by one (`trian.lr`); a larger unknown subtree is named once. */
function reportedPaths(value: unknown, path: string[]): string[][] {
  const leaves: string[][] = [];
  const collect = (v: unknown, p: string[]) => {
    if (isPlainObject(v) && Object.keys(v).length > 0) for (const [k, c] of Object.entries(v)) collect(c, [...p, k]);
    else leaves.push(p);
  };
  collect(value, path);
  return leaves.length <= 3 ? leaves : [path];
}

function valueAt(value: unknown, path: string[]): unknown {
  let node = value;
  for (const key of path) node = isPlainObject(node) ? node[key] : undefined;
  return node;
}

function hasPath(tree: Record<string, unknown>, path: string[]): boolean {
  let node: unknown = tree;
  for (const key of path) {
    if (isPlainObject(node) && Object.prototype.hasOwnProperty.call(node, key)) node = node[key];
    else if (Array.isArray(node) && /^\d+$/.test(key) && Number(key) < node.length) node = node[Number(key)];
    else return false;
  }
  return true;
}

/** Dot paths below `tree` (not through lists), for suggestions. */
function flatten(tree: KeyTree, prefix: string, out: string[], depth = 0): void {
  if (tree.kind !== 'object' || depth > 4 || out.length > 2000) return;
  for (const [key, child] of tree.children) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push(path);
    flatten(child, path, out, depth + 1);
  }
}

function originOf(origins: Record<string, string>, dotted: string): string | undefined {
  if (origins[dotted] !== undefined) return origins[dotted];
  const parts = dotted.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const up = origins[parts.slice(0, i).join('.')];
    if (up !== undefined) return up;
  }
  const prefix = `${dotted}.`;
  for (const [key, origin] of Object.entries(origins)) if (key.startsWith(prefix)) return origin;
  return undefined;
}

const CLI_ORIGIN = '<cli>';

function isConfigFileOrigin(origin: string | undefined): boolean {
  return origin === undefined || origin === '<aero.config.ts>';
}

function unknownParam(params: Record<string, unknown>, parentPath: string[], parent: KeyTree, relative: string[], value: unknown, origins: Record<string, string>): AeroError {
  const dotted = [...parentPath, ...relative].join('.');
  const origin = originOf(origins, dotted);
  const where = origin === CLI_ORIGIN ? 'on the command line' : isConfigFileOrigin(origin) ? 'in `params` of aero.config.ts' : `in ${origin}`;
  const candidates: string[] = [];
  flatten(parent, '', candidates);
  const near = nearestNames(relative.join('.'), candidates).map((c) => [...parentPath, c].join('.'));
  let hint: string;
  /** Whether the suggested key is in the params tree (then `key=value` sets it; else `+key=value` adds it): for callers that rebuild the hint. */
  let bestInParams: boolean | undefined;
  if (near.length > 0) {
    const best = near[0]!;
    const scalar = value === null || ['string', 'number', 'boolean'].includes(typeof value);
    if (origin === CLI_ORIGIN && scalar) {
      // `key=value` only replaces a key that is in the tree; a schema default is added with `+`.
      bestInParams = hasPath(params, best.split('.'));
      const prefix = bestInParams ? '' : '+';
      hint = `${didYouMean(near)} aero run ${prefix}${best}=${formatValue(value as OverrideValue)}`;
    } else {
      hint = `${didYouMean(near)} ${origin === CLI_ORIGIN ? 'Fix the override' : `Rename it ${where}`}.`;
    }
  } else {
    const names = parent.kind === 'object' ? [...parent.children.keys()].sort() : [];
    hint = parentPath.length === 0 ? `Known top-level keys: ${names.join(', ') || 'none'}.` : `Known keys of \`${parentPath.join('.')}\`: ${names.join(', ') || 'none'}.`;
  }
  return new AeroError(ErrorCodes.PLAN_UNKNOWN_PARAM, `Unknown param \`${dotted}\` (set ${where}): no action reads it.`, { hint, details: { path: dotted, ...(origin ? { origin } : {}), suggestions: near, ...(bestInParams !== undefined ? { bestInParams } : {}) } });
}
