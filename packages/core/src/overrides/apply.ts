import { AeroAggregateError, AeroError, ErrorCodes } from '../errors.js';
import { didYouMean, nearestNames } from '../suggest.js';
import { overrideApplyError } from './errors.js';
import { parseOverride } from './parse.js';
import type { Override, OverrideValue } from './types.js';
import { deepEqual, formatValue, isPlainObject } from './values.js';

export interface ApplyOverridesOptions {
  /** Dot path → source; updated in place: set paths get `source`, deleted paths are removed. */
  origins?: Record<string, string>;
  /** Label recorded in `origins` for values the overrides set (default `<cli>`). */
  source?: string;
  /**
   * Hydra's struct mode (default true): `key=value` needs an existing key; use
   * `+key=value` or `++key=value` to add one. With `false`, `key=value` adds missing keys.
   */
  strict?: boolean;
}

type Container = Record<string, unknown> | unknown[];

/** Copy-on-write: containers we copied in this call may be mutated, the caller's never. */
class Writer {
  private readonly owned = new WeakSet<object>();
  root: Record<string, unknown>;

  constructor(tree: Record<string, unknown>) {
    this.root = { ...tree };
    this.owned.add(this.root);
  }

  own<T extends Container>(value: T): T {
    if (this.owned.has(value)) return value;
    const copy = (Array.isArray(value) ? [...value] : { ...value }) as T;
    this.owned.add(copy);
    return copy;
  }

  /**
   * Walks to the parent of `path`, copying each container on the way. Missing
   * intermediate maps are created when `create` is true; otherwise returns the first
   * missing prefix length.
   */
  parentOf(path: string[], create: boolean): { parent: Container; created: number[] } | { missingAt: number } | { notContainerAt: number } {
    let node: Container = this.root;
    const created: number[] = [];
    for (let i = 0; i < path.length - 1; i++) {
      const segment = path[i]!;
      let child = getChild(node, segment);
      if (child === undefined || child === null) {
        if (!create || Array.isArray(node)) return { missingAt: i };
        child = {};
        created.push(i);
      } else if (typeof child !== 'object') {
        return { notContainerAt: i };
      }
      const owned = this.own(child as Container);
      setChild(node, segment, owned);
      node = owned;
    }
    return { parent: node, created };
  }
}

function getChild(node: Container, segment: string): unknown {
  if (Array.isArray(node)) return /^\d+$/.test(segment) ? node[Number(segment)] : undefined;
  return Object.prototype.hasOwnProperty.call(node, segment) ? node[segment] : undefined;
}

function hasChild(node: Container, segment: string): boolean {
  if (Array.isArray(node)) return /^\d+$/.test(segment) && Number(segment) < node.length;
  return Object.prototype.hasOwnProperty.call(node, segment);
}

function setChild(node: Container, segment: string, value: unknown): void {
  if (Array.isArray(node)) node[Number(segment)] = value;
  else node[segment] = value;
}

/** Like OmegaConf.update(..., merge=True): dicts merge into dicts, anything else replaces. */
function mergeValue(writer: Writer, existing: unknown, value: OverrideValue, path: string, changed: string[]): unknown {
  if (isPlainObject(existing) && isPlainObject(value)) {
    const out = writer.own(existing);
    for (const [key, child] of Object.entries(value)) {
      out[key] = mergeValue(writer, out[key], child as OverrideValue, `${path}.${key}`, changed);
    }
    return out;
  }
  collectLeafPaths(value, path, changed);
  return value;
}

function collectLeafPaths(value: unknown, path: string, out: string[]): void {
  out.push(path);
  if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) collectLeafPaths(v, `${path}.${k}`, out);
  else if (Array.isArray(value)) value.forEach((v, i) => collectLeafPaths(v, `${path}.${i}`, out));
}

function dropOrigins(origins: Record<string, string> | undefined, path: string, hadChildren = true): void {
  if (!origins) return;
  delete origins[path];
  if (!hadChildren) return;
  const prefix = `${path}.`;
  for (const key of Object.keys(origins)) if (key === path || key.startsWith(prefix)) delete origins[key];
}

/**
 * Applies overrides to a plain params tree (the no-YAML path: `train.lr=0.01` sets
 * `params.train.lr`). Semantics mirror Hydra's "Basic Override syntax" →
 * "Modifying the Config Object": `key=value` replaces an existing value (dicts merge),
 * `+key=value` adds a key that must not exist, `++key=value` adds or replaces,
 * `~key` deletes (and `~key=value` deletes only when the value matches).
 *
 * Returns a new tree; the input is never mutated. Errors from several overrides are
 * reported together.
 */
export function applyOverrides(tree: Record<string, unknown>, overrides: ReadonlyArray<string | Override>, options: ApplyOverridesOptions = {}): Record<string, unknown> {
  const writer = new Writer(tree);
  const source = options.source ?? '<cli>';
  const strict = options.strict ?? true;
  const origins = options.origins;
  const errors: AeroError[] = [];
  for (const input of overrides) {
    try {
      const override = typeof input === 'string' ? parseOverride(input) : input;
      applyOne(writer, override, { source, strict, origins });
    } catch (error) {
      if (error instanceof AeroError) errors.push(error);
      else throw error;
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new AeroAggregateError(ErrorCodes.OVERRIDE_INVALID, `${errors.length} overrides could not be applied:`, errors);
  return writer.root;
}

function applyOne(writer: Writer, o: Override, ctx: { source: string; strict: boolean; origins: Record<string, string> | undefined }): void {
  const dotted = o.path.join('.');
  if (o.sweep) {
    throw overrideApplyError(o.text, `\`${o.valueText}\` is a sweep; it expands into several runs.`, 'sweep', 'Run a sweep with `aero run -m ...` (multirun), or give a single value.');
  }
  const create = o.kind === 'add' || o.kind === 'force' || (o.kind === 'set' && !ctx.strict);
  const walk = writer.parentOf(o.path, create);
  if ('notContainerAt' in walk) {
    const at = o.path.slice(0, walk.notContainerAt + 1).join('.');
    throw overrideApplyError(o.text, `\`${at}\` is a value, not a mapping, so it has no key \`${o.path[walk.notContainerAt + 1]}\`.`, 'not-a-mapping', throughValueHint(writer.root, o, walk.notContainerAt));
  }
  const last = o.path[o.path.length - 1]!;
  if ('missingAt' in walk) {
    const at = o.path.slice(0, walk.missingAt + 1).join('.');
    const near = nearestOverride(writer.root, o, walk.missingAt);
    if (o.kind === 'delete') throw overrideApplyError(o.text, `\`${dotted}\` does not exist in the config (no \`${at}\`).`, 'key-not-found', deleteHint(writer.root, o, walk.missingAt, near), near ? { fixed: near } : {});
    throw overrideApplyError(o.text, `\`${dotted}\` is not in the config (no \`${at}\`).`, 'key-not-found', notFoundHint(o, near), near ? { fixed: near } : {});
  }
  const parent = walk.parent;
  const exists = hasChild(parent, last);
  const current = exists ? getChild(parent, last) : undefined;
  switch (o.kind) {
    case 'delete': {
      if (!exists) {
        const near = nearestOverride(writer.root, o, o.path.length - 1);
        throw overrideApplyError(o.text, `\`${dotted}\` does not exist in the config, so it cannot be deleted.`, 'key-not-found', deleteHint(writer.root, o, o.path.length - 1, near), near ? { fixed: near } : {});
      }
      if (o.value !== undefined && !deepEqual(current, o.value)) {
        throw overrideApplyError(o.text, `the value of \`${dotted}\` is ${describe(current)}, not ${formatValue(o.value)}; nothing was deleted.`, 'value-mismatch');
      }
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      dropOrigins(ctx.origins, dotted, typeof current === 'object' && current !== null);
      return;
    }
    case 'add': {
      if (exists) {
        throw overrideApplyError(o.text, `\`${dotted}\` is already in the config (value ${describe(current)}).`, 'key-exists', `To replace it use ${o.text.slice(1)}, or ++${o.text.slice(1)} to add or replace.`);
      }
      break;
    }
    case 'set': {
      if (!exists && ctx.strict) {
        const near = nearestOverride(writer.root, o, o.path.length - 1);
        throw overrideApplyError(o.text, `\`${dotted}\` is not in the config.`, 'key-not-found', notFoundHint(o, near), near ? { fixed: near } : {});
      }
      break;
    }
    case 'force':
      break;
  }
  if (Array.isArray(parent) && !exists) {
    throw overrideApplyError(o.text, `index ${last} is out of range for the list \`${o.path.slice(0, -1).join('.')}\` (length ${parent.length}).`, 'index-out-of-range');
  }
  const changed: string[] = [];
  const value = o.value as OverrideValue;
  if (!isPlainObject(current) || !isPlainObject(value)) dropOrigins(ctx.origins, dotted, typeof current === 'object' && current !== null);
  setChild(parent, last, mergeValue(writer, current, value, dotted, changed));
  if (ctx.origins) {
    for (const path of changed) ctx.origins[path] = ctx.source;
    // Parents this override created come from it too.
    for (const i of walk.created) ctx.origins[o.path.slice(0, i + 1).join('.')] = ctx.source;
  }
}

/**
 * For `key=value` on a key the config lacks: a near existing key at the first missing
 * segment is most likely what was meant (`orderng` for `ordering`), so the hint is that
 * override; adding the new key with `+` stays possible.
 */
/**
 * What to set instead of a key under a value. A value that is an interpolation of a
 * mapping (`fit: ${model}`) is set where it points (`model.lr=0.3`, as YAML configs wire
 * groups into actions); any other value is replaced whole or not at all.
 */
function throughValueHint(root: Record<string, unknown>, o: Override, valueAt: number): string {
  let node: unknown = root;
  for (const segment of o.path.slice(0, valueAt + 1)) node = isPlainObject(node) ? node[segment] : Array.isArray(node) ? node[Number(segment)] : undefined;
  const at = o.path.slice(0, valueAt + 1).join('.');
  const reference = typeof node === 'string' ? /^\$\{([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\}$/.exec(node)?.[1] : undefined;
  if (reference !== undefined && o.valueText !== undefined) {
    const target = [...reference.split('.'), ...o.path.slice(valueAt + 1)].join('.');
    const prefix = o.kind === 'add' ? '+' : o.kind === 'force' ? '++' : '';
    return `\`${at}\` is \`${node}\`: set the key it points to, aero run ${prefix}${target}=${o.valueText}`;
  }
  return `Set \`${at}\` itself (${at}=…), or check the key: \`${at}\` holds ${describe(node)}.`;
}

/**
 * The override with the segment at `missingAt` replaced by the nearest existing key, when
 * that key exists in the config (in struct mode only an existing key can be set): the
 * corrected text, which the CLI puts back into the command line for its hint.
 */
function nearestOverride(root: Record<string, unknown>, o: Override, missingAt: number): string | undefined {
  let node: unknown = root;
  for (const segment of o.path.slice(0, missingAt)) node = isPlainObject(node) ? node[segment] : undefined;
  const near = isPlainObject(node) ? nearestNames(o.path[missingAt]!, Object.keys(node)) : [];
  if (near.length === 0 || (o.kind === 'set' && o.valueText === undefined)) return undefined;
  const fixed = [...o.path];
  fixed[missingAt] = near[0]!;
  let probe: unknown = root;
  for (const segment of fixed) probe = isPlainObject(probe) && Object.prototype.hasOwnProperty.call(probe, segment) ? probe[segment] : undefined;
  if (probe === undefined) return undefined;
  const pkg = o.package === undefined ? '' : `@${o.package}`;
  const prefix = o.kind === 'delete' ? '~' : o.kind === 'force' ? '++' : '';
  return `${prefix}${fixed.join('.')}${pkg}${o.valueText !== undefined ? `=${o.valueText}` : ''}`;
}

function notFoundHint(o: Override, near: string | undefined): string {
  const add = `+${o.text.replace(/^\+*/, '')}`;
  if (near === undefined || o.kind !== 'set') return `To add it, use ${add}`;
  return `${didYouMean([near.slice(0, near.indexOf('='))])} aero run ${near}`;
}

/** A delete of a key that is not there: the nearest one, or what there is to delete. */
function deleteHint(root: Record<string, unknown>, o: Override, missingAt: number, near: string | undefined): string {
  if (near !== undefined) return `${didYouMean([near])} aero run ${near}`;
  let node: unknown = root;
  for (const segment of o.path.slice(0, missingAt)) node = isPlainObject(node) ? node[segment] : undefined;
  const keys = isPlainObject(node) ? Object.keys(node).sort() : [];
  const where = missingAt === 0 ? 'the config' : `\`${o.path.slice(0, missingAt).join('.')}\``;
  return keys.length > 0 ? `Nothing to delete: ${where} has ${keys.map((k) => `\`${k}\``).join(', ')}.` : `Nothing to delete: ${where} has no keys.`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return formatValue(value as OverrideValue);
  } catch {
    return String(value);
  }
}
