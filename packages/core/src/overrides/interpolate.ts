import { AeroAggregateError, AeroError, ErrorCodes } from '../errors.js';
import { ConfigErrorCodes } from './errors.js';
import { cloneTree, isPlainObject, typePrimitive } from './values.js';

/** OmegaConf's marker for a mandatory value nobody has given yet. */
export const MISSING_VALUE = '???';

export interface ResolveInterpolationsOptions {
  /** Environment for `${env:VAR}` / `${oc.env:VAR}` (default `process.env`). */
  env?: Record<string, string | undefined>;
  /**
   * Dot path → file, used to name the file in errors. Updated in place: a value that is
   * a whole reference (`train: ${model}`) takes the origins of what it copied, so a
   * later error about `train.units` names the file that set `model.units`.
   */
  origins?: Record<string, string>;
  /**
   * What to do with values still `???` after resolution: `error` (default) lists them
   * all; `omit` removes those keys (so schema defaults apply); `keep` leaves them.
   */
  missing?: 'error' | 'omit' | 'keep';
  /**
   * Filled with the dot path of every value an interpolation read (`${model}` adds
   * `model`): such keys are sources, so the planner does not call them unknown.
   */
  references?: Set<string>;
}

type Container = Record<string, unknown> | unknown[];
const RESOLVING = 1;
const DONE = 2;
const RESOLVER_RE = /^([A-Za-z_][\w.-]*)[ \t]*:/;

function isContainer(value: unknown): value is Container {
  return Array.isArray(value) || isPlainObject(value);
}

function hasInterpolation(value: unknown): value is string {
  return typeof value === 'string' && value.includes('${');
}

function child(node: Container, key: string): { ok: boolean; value: unknown } {
  if (Array.isArray(node)) {
    if (!/^\d+$/.test(key) || Number(key) >= node.length) return { ok: false, value: undefined };
    return { ok: true, value: node[Number(key)] };
  }
  return Object.prototype.hasOwnProperty.call(node, key) ? { ok: true, value: node[key] } : { ok: false, value: undefined };
}

/** Index of the `}` that closes the `${` at `start`, skipping nested `${...}` and quoted strings; -1 if none. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0) return i;
    } else if ((ch === "'" || ch === '"') && depth > 0 && i > start + 1) {
      quote = ch;
    }
  }
  return -1;
}

/** Splits resolver arguments on top-level commas (not inside quotes or `${...}`). */
function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      current += ch;
      if (ch === '\\' && i + 1 < text.length) current += text[++i];
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '$' && text[i + 1] === '{') {
      depth++;
      current += '$';
      i++;
      current += '{';
      continue;
    } else if (ch === '}' && depth > 0) depth--;
    else if (ch === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  args.push(current.trim());
  return args;
}

function unquote(arg: string): string | undefined {
  if (arg.length >= 2 && (arg[0] === "'" || arg[0] === '"') && arg[arg.length - 1] === arg[0]) {
    const q = arg[0];
    return arg.slice(1, -1).replace(new RegExp(`\\\\([\\\\${q}])`, 'g'), '$1');
  }
  return undefined;
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

class Resolver {
  readonly root: Record<string, unknown>;
  private readonly state = new Map<string, number>();
  private readonly stack: string[] = [];
  readonly errors: AeroError[] = [];
  /** Set by `select` (the path it returned) and `evalString` (whether the string was one reference). */
  private lastTarget: string[] | undefined;
  private lastWhole = false;

  constructor(
    tree: Record<string, unknown>,
    private readonly env: Record<string, string | undefined>,
    private readonly origins: Record<string, string> | undefined,
    private readonly references: Set<string> | undefined,
  ) {
    this.root = cloneTree(tree);
  }

  where(path: string): string {
    const origin = this.originOf(path);
    return origin ? `\`${path}\` (${origin})` : `\`${path}\``;
  }

  originOf(path: string): string | undefined {
    if (!this.origins) return undefined;
    let p = path;
    for (;;) {
      const found = this.origins[p];
      if (found !== undefined) return found;
      const dot = p.lastIndexOf('.');
      if (dot < 0) return undefined;
      p = p.slice(0, dot);
    }
  }

  run(): void {
    this.walk(this.root, []);
  }

  walk(node: Container, path: string[]): void {
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
    for (const key of keys) {
      const value = child(node, key).value;
      const childPath = [...path, key];
      if (hasInterpolation(value)) {
        try {
          this.resolveLeaf(childPath);
        } catch (error) {
          if (error instanceof AeroError) this.errors.push(error);
          else throw error;
        }
      } else if (isContainer(value)) {
        this.walk(value, childPath);
      }
    }
  }

  get(path: string[]): unknown {
    let node: unknown = this.root;
    for (const key of path) node = child(node as Container, key).value;
    return node;
  }

  set(path: string[], value: unknown): void {
    const parent = this.get(path.slice(0, -1)) as Container;
    const key = path[path.length - 1]!;
    if (Array.isArray(parent)) parent[Number(key)] = value;
    else parent[key] = value;
  }

  resolveLeaf(path: string[]): unknown {
    const key = path.join('.');
    const state = this.state.get(key);
    if (state === DONE) return this.get(path);
    if (state === RESOLVING) {
      const cycle = [...this.stack.slice(this.stack.indexOf(key)), key];
      throw new AeroError(ConfigErrorCodes.CONFIG_INTERPOLATION_CYCLE, `Interpolation cycle: ${cycle.map((p) => this.where(p)).join(' → ')}.`, {
        hint: 'Each value in the cycle refers (directly or not) to itself; replace one of the references with a value.',
        details: { cycle },
      });
    }
    this.state.set(key, RESOLVING);
    this.stack.push(key);
    try {
      const raw = this.get(path) as string;
      this.lastTarget = undefined;
      const result = this.evalString(raw, path, raw);
      if (this.lastWhole && this.lastTarget) this.copyOrigins(this.lastTarget, path, isContainer(result));
      this.set(path, result);
      if (isContainer(result)) this.walkStrict(result, path);
      return result;
    } finally {
      this.stack.pop();
      this.state.set(key, DONE);
    }
  }

  /** `to` (and what is under it) now comes from wherever `from` came from. */
  copyOrigins(from: string[], to: string[], container: boolean): void {
    const origins = this.origins;
    if (!origins) return;
    const source = from.join('.');
    const target = to.join('.');
    const origin = this.originOf(source);
    if (origin !== undefined) origins[target] = origin;
    if (!container) return;
    const prefix = `${source}.`;
    for (const key of Object.keys(origins)) {
      if (key.startsWith(prefix)) origins[`${target}.${key.slice(prefix.length)}`] = origins[key]!;
    }
  }

  /** Resolves every interpolation inside a container, letting errors propagate. */
  walkStrict(node: Container, path: string[]): void {
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
    for (const key of keys) {
      const value = child(node, key).value;
      if (hasInterpolation(value)) this.resolveLeaf([...path, key]);
      else if (isContainer(value)) this.walkStrict(value, [...path, key]);
    }
  }

  invalid(path: string[], raw: string, problem: string): AeroError {
    return new AeroError(ConfigErrorCodes.CONFIG_INTERPOLATION_INVALID, `Invalid interpolation \`${raw}\` in ${this.where(path.join('.'))}: ${problem}.`, {
      hint: 'Interpolations look like ${path.to.value}, ${.sibling}, ${..parent_key}, ${env:VAR,default}; write \\${ for a literal ${.',
      details: { path: path.join('.'), value: raw },
    });
  }

  /** Evaluates a string that may hold interpolations; a lone `${...}` keeps the referenced type. */
  evalString(text: string, path: string[], whole: string): unknown {
    const parts: unknown[] = [];
    let literal = '';
    let i = 0;
    while (i < text.length) {
      if (text[i] === '\\' && text[i + 1] === '$' && text[i + 2] === '{') {
        literal += '${';
        i += 3;
        continue;
      }
      if (text[i] === '$' && text[i + 1] === '{') {
        const end = closingBrace(text, i);
        if (end < 0) throw this.invalid(path, whole, `\`${text.slice(i)}\` has no closing \`}\``);
        if (literal) parts.push(literal);
        literal = '';
        parts.push({ value: this.evalExpr(text.slice(i + 2, end), path, whole, text.slice(i, end + 1)) });
        i = end + 1;
        continue;
      }
      literal += text[i];
      i++;
    }
    if (literal) parts.push(literal);
    if (parts.length === 1 && typeof parts[0] === 'object') {
      this.lastWhole = true;
      return (parts[0] as { value: unknown }).value;
    }
    this.lastWhole = false;
    return parts.map((p) => (typeof p === 'string' ? p : show((p as { value: unknown }).value))).join('');
  }

  evalExpr(inner: string, path: string[], whole: string, expr: string): unknown {
    const trimmed = inner.trim();
    if (trimmed.length === 0) throw this.invalid(path, whole, '`${}` is empty');
    const resolver = RESOLVER_RE.exec(trimmed);
    if (resolver) {
      const name = resolver[1]!;
      const args = splitArgs(trimmed.slice(resolver[0].length)).map((arg) => {
        const quoted = unquote(arg);
        if (quoted !== undefined) return { text: quoted, quoted: true, value: hasInterpolation(quoted) ? this.evalString(quoted, path, whole) : quoted };
        return { text: arg, quoted: false, value: hasInterpolation(arg) ? this.evalString(arg, path, whole) : arg };
      });
      return this.callResolver(name, args, path, whole, expr);
    }
    const target = hasInterpolation(trimmed) ? show(this.evalString(trimmed, path, whole)) : trimmed;
    return this.select(target, path, expr, undefined);
  }

  /** Turns a reference (`a.b`, `.sib`, `..x`, `a.list[0]`) into an absolute path. */
  absolute(reference: string, path: string[], expr: string): string[] {
    let dots = 0;
    while (reference[dots] === '.') dots++;
    const rest = reference.slice(dots).replace(/\[(\d+)\]/g, '.$1');
    const segments = rest.length === 0 ? [] : rest.split('.');
    if (segments.some((s) => s.length === 0)) throw this.invalid(path, expr, `\`${reference}\` is not a valid path`);
    if (dots === 0) return segments;
    const base = path.slice(0, -1);
    const up = dots - 1;
    if (up > base.length) throw this.invalid(path, expr, `\`${reference}\` goes above the top of the config`);
    return [...base.slice(0, base.length - up), ...segments];
  }

  select(reference: string, path: string[], expr: string, fallback: { value: unknown } | undefined): unknown {
    const target = this.absolute(reference, path, expr);
    const dotted = target.join('.');
    this.references?.add(dotted);
    let node: unknown = this.root;
    const walked: string[] = [];
    for (const key of target) {
      if (hasInterpolation(node)) node = this.resolveLeaf(walked);
      const found = isContainer(node) ? child(node, key) : { ok: false, value: undefined };
      if (!found.ok) {
        if (fallback) {
          this.lastTarget = undefined;
          return fallback.value;
        }
        throw new AeroError(
          ConfigErrorCodes.CONFIG_INTERPOLATION_UNRESOLVED,
          `Interpolation \`${expr}\` in ${this.where(path.join('.'))} refers to \`${dotted}\`, which does not exist${walked.length < target.length - 1 ? ` (no \`${[...walked, key].join('.')}\`)` : ''}.`,
          { hint: 'Check the spelling or add the key; relative references start with a dot: ${.sibling}, ${..parent_key}.', details: { path: path.join('.'), reference: dotted } },
        );
      }
      node = found.value;
      walked.push(key);
    }
    if (hasInterpolation(node)) node = this.resolveLeaf(target);
    if (node === MISSING_VALUE) {
      if (fallback) {
        this.lastTarget = undefined;
        return fallback.value;
      }
      throw new AeroError(ConfigErrorCodes.CONFIG_MISSING_VALUE, `Interpolation \`${expr}\` in ${this.where(path.join('.'))} refers to ${this.where(dotted)}, which is a missing mandatory value (???).`, {
        hint: `Give it a value, e.g. on the command line: ${dotted}=<value>`,
        details: { path: path.join('.'), reference: dotted },
      });
    }
    if (isContainer(node)) {
      this.walkStrict(node, target);
      this.lastTarget = target;
      return cloneTree(node);
    }
    this.lastTarget = target;
    return node;
  }

  callResolver(name: string, args: { text: string; quoted: boolean; value: unknown }[], path: string[], whole: string, expr: string): unknown {
    switch (name) {
      case 'env':
      case 'oc.env': {
        if (args.length === 0 || args.length > 2 || args[0]!.text.length === 0) throw this.invalid(path, whole, `${name} takes a variable name and an optional default: \${${name}:VAR,default}`);
        const variable = show(args[0]!.value);
        const value = this.env[variable];
        const legacy = name === 'env';
        if (value !== undefined) return legacy ? typePrimitive(value) : value;
        const fallback = args[1];
        if (fallback === undefined) {
          throw new AeroError(ConfigErrorCodes.CONFIG_ENV_MISSING, `Environment variable \`${variable}\` is not set (interpolation \`${expr}\` in ${this.where(path.join('.'))}).`, {
            hint: `Set ${variable}, or give a default: \${${name}:${variable},default}`,
            details: { path: path.join('.'), variable },
          });
        }
        if (fallback.quoted || typeof fallback.value !== 'string') return fallback.value;
        // OmegaConf 2.0 `env` decodes the default like a YAML scalar; 2.1 `oc.env` keeps strings (null stays null).
        if (legacy) return typePrimitive(fallback.value);
        return /^null$/i.test(fallback.value) ? null : fallback.value;
      }
      case 'oc.select': {
        if (args.length === 0 || args.length > 2) throw this.invalid(path, whole, 'oc.select takes a path and an optional default: ${oc.select:path,default}');
        const fallback = args[1] === undefined ? undefined : { value: args[1].quoted ? args[1].value : typeof args[1].value === 'string' ? typePrimitive(args[1].value) : args[1].value };
        return this.select(show(args[0]!.value), path, expr, fallback ?? { value: null });
      }
      default:
        throw this.invalid(path, whole, `unknown resolver \`${name}\` (known: env, oc.env, oc.select)`);
    }
  }

  /** Paths whose value is `???`, in document order. */
  missing(node: Container, path: string[], out: string[][]): string[][] {
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
    for (const key of keys) {
      const value = child(node, key).value;
      if (value === MISSING_VALUE) out.push([...path, key]);
      else if (isContainer(value)) this.missing(value, [...path, key], out);
    }
    return out;
  }
}

/**
 * Resolves OmegaConf-style interpolations in a params tree ("Variable interpolation"):
 * `${path.to.value}` (absolute), `${.sibling}` / `${..parent_key}` (relative),
 * `${env:VAR,default}` (OmegaConf 2.0: the value is decoded: `8080` → number),
 * `${oc.env:VAR,default}` (OmegaConf 2.1: always a string), `${oc.select:path,default}`,
 * nested `${a.${b}}`, and string interpolation (`run-${model.name}`). A value that is
 * exactly one interpolation keeps the referenced type. `\${` is a literal `${`.
 *
 * Cycles and unresolved references are errors that name the path (and its file, when
 * `origins` knows it); all problems are reported together. Returns a new tree.
 */
export function resolveInterpolations(tree: Record<string, unknown>, options: ResolveInterpolationsOptions = {}): Record<string, unknown> {
  const resolver = new Resolver(tree, options.env ?? process.env, options.origins, options.references);
  resolver.run();
  const errors = resolver.errors;
  const mode = options.missing ?? 'error';
  if (mode !== 'keep') {
    const missing = resolver.missing(resolver.root, [], []);
    if (mode === 'error') {
      for (const path of missing) {
        const dotted = path.join('.');
        errors.push(
          new AeroError(ConfigErrorCodes.CONFIG_MISSING_VALUE, `Missing mandatory value ${resolver.where(dotted)}: it is \`???\` and nothing gave it a value.`, {
            hint: `Give it on the command line, e.g. ${dotted}=<value>`,
            details: { path: dotted },
          }),
        );
      }
    } else {
      for (const path of missing.reverse()) {
        const parent = resolver.get(path.slice(0, -1)) as Container;
        const key = path[path.length - 1]!;
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      }
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new AeroAggregateError(ErrorCodes.CONFIG_INVALID, `The config has ${errors.length} problems:`, errors);
  return resolver.root;
}
