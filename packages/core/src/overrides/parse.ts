import { overrideSyntaxError } from './errors.js';
import type { Override, OverrideKind, OverrideValue, Sweep, SweepChoice } from './types.js';
import { formatValue, isPlainObject, typePrimitive } from './values.js';

/**
 * A hand-written parser for Hydra's command-line override grammar
 * (Hydra docs: "Basic Override syntax" and "Extended Override syntax").
 *
 *   override := ('~' | '+' | '++')? key ('=' value?)?
 *   key      := group ('/' group)* ('@' package)? | dot.path ('@' package)?
 *   value    := element (',' element)*           -- two or more elements: a choice sweep
 *   element  := quoted | '[' list ']' | '{' dict '}' | func '(' args ')' | unquoted
 *
 * Every error is an AeroError OVERRIDE_INVALID quoting the override with a caret
 * under the offending column.
 */

type Node = { t: 'value'; value: OverrideValue; text: string; col: number } | { t: 'sweep'; sweep: Sweep; col: number };

type Context = 'top' | 'list' | 'dict' | 'arg' | 'key';

const ID_RE = /^[A-Za-z_$][\w$-]*$/;
const INDEX_RE = /^(?:0|[1-9]\d*)$/;
const FUNC_NAME_RE = /^[A-Za-z_]\w*$/;
const NAMED_ARG_RE = /([A-Za-z_]\w*)[ \t]*=(?!=)/y;
const KEY_CHAR_RE = /[\w$\-./]/;
const MAX_RANGE = 100_000;
const SUPPORTED_FUNCTIONS = 'choice, range, sort, int, float, str, bool';
const UNSUPPORTED_FUNCTIONS = new Set(['interval', 'glob', 'shuffle', 'tag', 'extend_list']);
/** Characters after `\` that the unquoted grammar un-escapes ("Escaped characters in unquoted values"). */
const ESCAPABLE = new Set(['\\', ',', ' ', '\t', '(', ')', '[', ']', '{', '}', ':', '=', "'", '"']);

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(pos: number, problem: string): never {
    throw overrideSyntaxError(this.text, pos + 1, problem);
  }

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  skipWs(): void {
    const text = this.text;
    while (this.pos < text.length && (text[this.pos] === ' ' || text[this.pos] === '\t')) this.pos++;
  }

  // ── key ────────────────────────────────────────────────────────────────────

  parseKey(): { key: string; path: string[]; isGroupPath: boolean; pkg: string | undefined } {
    const start = this.pos;
    while (!this.done && KEY_CHAR_RE.test(this.text[this.pos]!)) this.pos++;
    const key = this.text.slice(start, this.pos);
    if (key.length === 0) {
      if (this.done || this.peek() === '=') this.fail(start, 'missing key before `=`');
      this.fail(start, `unexpected \`${this.peek()}\` where a key should start`);
    }
    const isGroupPath = key.includes('/');
    const sep = isGroupPath ? '/' : '.';
    const path = key.split(sep);
    let col = start;
    for (const segment of path) {
      if (segment.length === 0) this.fail(col, isGroupPath ? 'empty config group name (check the slashes)' : 'empty key segment (two dots in a row, or a leading/trailing dot)');
      if (isGroupPath && segment.includes('.')) this.fail(col + segment.indexOf('.'), 'a config group path uses `/` only; dots are for config keys');
      if (!ID_RE.test(segment) && (isGroupPath || !INDEX_RE.test(segment))) {
        this.fail(col, `\`${segment}\` is not a valid key name (letters, digits, \`_\`, \`-\`, \`$\`; not starting with a digit unless it is a list index)`);
      }
      col += segment.length + 1;
    }
    let pkg: string | undefined;
    if (this.peek() === '@') {
      this.pos++;
      const pkgStart = this.pos;
      while (!this.done && /[\w$.]/.test(this.text[this.pos]!)) this.pos++;
      pkg = this.text.slice(pkgStart, this.pos);
      if (pkg.length > 0 && pkg.split('.').some((s) => s.length === 0)) this.fail(pkgStart, `\`${pkg}\` is not a valid package (dot-separated names)`);
    }
    return { key, path, isGroupPath, pkg };
  }

  // ── values ─────────────────────────────────────────────────────────────────

  parseTopValue(): Node {
    this.skipWs();
    if (this.done) return { t: 'value', value: '', text: '', col: this.pos };
    const nodes: Node[] = [this.parseElement('top')];
    this.skipWs();
    while (this.peek() === ',') {
      this.pos++;
      this.skipWs();
      nodes.push(this.parseElement('top'));
      this.skipWs();
    }
    if (!this.done) this.fail(this.pos, `unexpected \`${this.peek()}\``);
    if (nodes.length === 1) return nodes[0]!;
    const choices: SweepChoice[] = nodes.map((node) => {
      if (node.t === 'sweep') this.fail(node.col, 'a sweep function cannot be one element of a comma-separated list; use one sweep per key');
      return { value: node.value, text: node.text };
    });
    return { t: 'sweep', sweep: { kind: 'choice', choices }, col: nodes[0]!.col };
  }

  parseElement(ctx: Context): Node {
    this.skipWs();
    const ch = this.peek();
    if (ch === undefined) this.fail(this.pos, ctx === 'top' ? 'expected a value after `,`' : 'expected a value');
    if (ch === '[') return this.parseList();
    if (ch === '{') return this.parseDict();
    if (ch === "'" || ch === '"') return this.parseQuoted(ctx);
    if (ch === ',' || ch === ']' || ch === '}' || ch === ')') this.fail(this.pos, `expected a value before \`${ch}\``);
    return this.parseUnquoted(ctx);
  }

  parseQuoted(ctx: Context): Node {
    const text = this.text;
    const start = this.pos;
    const quote = text[start]!;
    let out = '';
    this.pos++;
    for (;;) {
      if (this.done) this.fail(start, `unterminated quoted string: add the closing ${quote}`);
      const ch = text[this.pos]!;
      if (ch === '\\' && (text[this.pos + 1] === quote || text[this.pos + 1] === '\\')) {
        out += text[this.pos + 1];
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (ch === quote) break;
      out += ch;
    }
    const end = this.pos;
    this.skipWs();
    const next = this.peek();
    if (next !== undefined && !isTerminator(next, ctx)) this.fail(this.pos, `unexpected \`${next}\` after the quoted string (quote the whole value)`);
    return { t: 'value', value: out, text: text.slice(start, end), col: start };
  }

  parseUnquoted(ctx: Context): Node {
    const text = this.text;
    const start = this.pos;
    let out = '';
    let plain = true; // no escapes, no interpolation: eligible for typing
    let lastNonWs = start;
    let outTrimLength = 0;
    while (!this.done) {
      const ch = text[this.pos]!;
      if (ch === ',' || ch === ']' || ch === '}' || ch === ')') break;
      if (ch === '(') {
        const name = out.trimEnd();
        if (plain && FUNC_NAME_RE.test(name)) return this.parseFunction(name, start);
        this.fail(this.pos, 'unexpected `(`: parentheses only follow a function name like range(...); quote the value to keep them');
      }
      if (ch === '[' || ch === '{') this.fail(this.pos, `unexpected \`${ch}\` inside a value; quote the value to keep it`);
      if (ch === "'" || ch === '"') this.fail(this.pos, `unexpected quote inside an unquoted value; quote the whole value, e.g. '...'`);
      if (ch === '$' && text[this.pos + 1] === '{') {
        const end = this.findInterpolationEnd(this.pos);
        out += text.slice(this.pos, end);
        this.pos = end;
        plain = false;
        lastNonWs = end;
        outTrimLength = out.length;
        continue;
      }
      if (ch === '\\' && this.pos + 1 < text.length && ESCAPABLE.has(text[this.pos + 1]!)) {
        out += text[this.pos + 1];
        this.pos += 2;
        plain = false;
        lastNonWs = this.pos;
        outTrimLength = out.length;
        continue;
      }
      out += ch;
      this.pos++;
      if (ch !== ' ' && ch !== '\t') {
        lastNonWs = this.pos;
        outTrimLength = out.length;
      }
    }
    // Whitespace in unquoted values is kept inside, trimmed at the ends.
    const raw = out.slice(0, outTrimLength);
    this.pos = lastNonWs;
    const value = plain ? typePrimitive(raw) : raw;
    return { t: 'value', value, text: text.slice(start, lastNonWs), col: start };
  }

  findInterpolationEnd(start: number): number {
    const text = this.text;
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      if (text[i] === '$' && text[i + 1] === '{') {
        depth++;
        i++;
      } else if (text[i] === '}') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    this.fail(start, 'unterminated interpolation: add the closing `}`');
  }

  parseList(): Node {
    const start = this.pos;
    this.pos++;
    const items: OverrideValue[] = [];
    this.skipWs();
    if (this.peek() === ']') {
      this.pos++;
      return { t: 'value', value: items, text: this.text.slice(start, this.pos), col: start };
    }
    for (;;) {
      const node = this.parseElement('list');
      if (node.t === 'sweep') this.fail(node.col, 'a sweep cannot be nested inside a list');
      items.push(node.value);
      if (!this.commaOrClose(']', start, 'the list', 'a list (expected `,` or `]`)')) break;
    }
    return { t: 'value', value: items, text: this.text.slice(start, this.pos), col: start };
  }

  parseDict(): Node {
    const start = this.pos;
    this.pos++;
    const out: Record<string, OverrideValue> = {};
    this.skipWs();
    if (this.peek() === '}') {
      this.pos++;
      return { t: 'value', value: out, text: this.text.slice(start, this.pos), col: start };
    }
    for (;;) {
      this.skipWs();
      const keyStart = this.pos;
      let key: string;
      const q = this.peek();
      if (q === "'" || q === '"') {
        const node = this.parseQuotedKey();
        key = node;
      } else {
        while (!this.done && !/[:,{}[\]()]/.test(this.text[this.pos]!)) this.pos++;
        key = this.text.slice(keyStart, this.pos).trim();
      }
      if (key.length === 0) this.fail(keyStart, 'expected a dictionary key');
      this.skipWs();
      if (this.peek() !== ':') this.fail(this.pos, `expected \`:\` after the dictionary key \`${key}\``);
      this.pos++;
      const node = this.parseElement('dict');
      if (node.t === 'sweep') this.fail(node.col, 'a sweep cannot be nested inside a dictionary');
      out[key] = node.value;
      if (!this.commaOrClose('}', start, 'the dictionary', 'a dictionary (expected `,` or `}`)')) break;
    }
    return { t: 'value', value: out, text: this.text.slice(start, this.pos), col: start };
  }

  /**
   * After an element of a list, dictionary or argument list opened at `open`: steps over a
   * `,` (true: another element follows) or the `close` bracket (false: the sequence ends);
   * anything else is an error saying what `what` needs or what is unexpected `where`.
   */
  commaOrClose(close: string, open: number, what: string, where: string): boolean {
    this.skipWs();
    const ch = this.peek();
    if (ch === ',' || ch === close) {
      this.pos++;
      return ch === ',';
    }
    if (ch === undefined) this.fail(this.pos, `expected \`${close}\` to close ${what} opened at column ${open + 1}`);
    this.fail(this.pos, `unexpected \`${ch}\` in ${where}`);
  }

  parseQuotedKey(): string {
    const node = this.parseQuoted('key');
    return node.t === 'value' ? String(node.value) : '';
  }

  // ── functions ("Extended Override syntax") ─────────────────────────────────

  parseFunction(name: string, start: number): Node {
    const open = this.pos;
    this.pos++;
    const args: Node[] = [];
    const named: Record<string, Node> = {};
    this.skipWs();
    if (this.peek() === ')') {
      this.pos++;
    } else {
      for (;;) {
        this.skipWs();
        NAMED_ARG_RE.lastIndex = this.pos;
        const m = NAMED_ARG_RE.exec(this.text);
        let argName: string | undefined;
        if (m) {
          argName = m[1]!;
          this.pos = NAMED_ARG_RE.lastIndex;
        } else if (Object.keys(named).length > 0) {
          this.fail(this.pos, `positional argument after a named argument in ${name}(...)`);
        }
        const node = this.parseElement('arg');
        if (argName !== undefined) named[argName] = node;
        else args.push(node);
        if (!this.commaOrClose(')', open, `\`${name}(\``, `the arguments of ${name}(...)`)) break;
      }
    }
    const node = this.callFunction(name, start, args, named);
    // A function call is a whole element: only a separator may follow.
    this.skipWs();
    return node;
  }

  callFunction(name: string, col: number, args: Node[], named: Record<string, Node>): Node {
    const values = (): SweepChoice[] =>
      args.map((a) => {
        if (a.t === 'sweep') this.fail(a.col, `${name}(...) takes values, not a sweep`);
        return { value: a.value, text: a.text };
      });
    const noNamed = (allowed: string[] = []): void => {
      for (const key of Object.keys(named)) if (!allowed.includes(key)) this.fail(named[key]!.col, `${name}(...) has no argument named \`${key}\``);
    };
    switch (name) {
      case 'choice': {
        noNamed();
        if (args.length === 0) this.fail(col, 'choice() needs at least one value');
        return { t: 'sweep', sweep: { kind: 'choice', choices: values() }, col };
      }
      case 'range':
        return this.range(col, args, named);
      case 'sort': {
        noNamed(['reverse']);
        const reverseNode = named['reverse'];
        let reverse = false;
        if (reverseNode) {
          if (reverseNode.t !== 'value' || typeof reverseNode.value !== 'boolean') this.fail(reverseNode.col, 'sort(reverse=...) takes true or false');
          reverse = reverseNode.value;
        }
        if (args.length === 0) this.fail(col, 'sort() needs a list, a sweep or values to sort');
        if (args.length === 1) {
          const only = args[0]!;
          if (only.t === 'sweep') {
            const choices = this.sorted(only.sweep.choices, reverse, only.col);
            return { t: 'sweep', sweep: { kind: 'choice', choices }, col };
          }
          if (Array.isArray(only.value)) {
            const items = this.sorted(
              only.value.map((v) => ({ value: v, text: formatValue(v) })),
              reverse,
              only.col,
            ).map((c) => c.value);
            return { t: 'value', value: items, text: formatValue(items), col };
          }
          return only;
        }
        return { t: 'sweep', sweep: { kind: 'choice', choices: this.sorted(values(), reverse, col) }, col };
      }
      case 'int':
      case 'float':
      case 'str':
      case 'bool': {
        noNamed();
        if (args.length === 0) this.fail(col, `${name}(...) needs a value`);
        if (args.length > 1) {
          // Several values: a choice sweep of the cast values.
          const choices = values().map((c) => {
            const value = this.cast(name, c.value, col);
            return { value, text: formatValue(value) };
          });
          return { t: 'sweep', sweep: { kind: 'choice', choices }, col };
        }
        const arg = args[0]!;
        if (arg.t === 'sweep') {
          const choices = arg.sweep.choices.map((c) => {
            const value = this.cast(name, c.value, arg.col);
            return { value, text: formatValue(value) };
          });
          return { t: 'sweep', sweep: { kind: 'choice', choices }, col };
        }
        const value = this.cast(name, arg.value, arg.col);
        return { t: 'value', value, text: formatValue(value), col };
      }
      default:
        if (UNSUPPORTED_FUNCTIONS.has(name)) this.fail(col, `Hydra's \`${name}(...)\` is not supported by aero (supported: ${SUPPORTED_FUNCTIONS})`);
        this.fail(col, `unknown function \`${name}(...)\` (supported: ${SUPPORTED_FUNCTIONS}); quote the value if it is a plain string`);
    }
  }

  range(col: number, args: Node[], named: Record<string, Node>): Node {
    const num = (node: Node | undefined, what: string): number | undefined => {
      if (node === undefined) return undefined;
      if (node.t !== 'value' || typeof node.value !== 'number' || !Number.isFinite(node.value)) this.fail(node.col, `range(...) ${what} must be a finite number`);
      return node.value;
    };
    for (const key of Object.keys(named)) if (!['start', 'stop', 'step'].includes(key)) this.fail(named[key]!.col, `range(...) has no argument named \`${key}\` (start, stop, step)`);
    if (args.length > 3) this.fail(args[3]!.col, 'range(...) takes at most 3 arguments: range(start, stop, step)');
    let start = num(args[0], 'start');
    let stop = num(args[1], 'stop');
    const step = num(args[2], 'step') ?? num(named['step'], 'step') ?? 1;
    start = start ?? num(named['start'], 'start');
    stop = stop ?? num(named['stop'], 'stop');
    if (args.length === 1 && named['stop'] === undefined) {
      // range(stop), like Python's.
      stop = start;
      start = 0;
    }
    if (start === undefined || stop === undefined) this.fail(col, 'range(...) needs a stop: range(stop) or range(start, stop[, step])');
    if (step === 0) this.fail(col, 'range(...) step cannot be 0');
    // A tiny tolerance so float steps do not produce an extra value (range(0.1,0.4,0.1) has 3).
    const quotient = (stop - start) / step;
    const count = Math.ceil(quotient - 1e-9 * Math.max(1, Math.abs(quotient)));
    if (!(count > 0)) this.fail(col, `range(${start}, ${stop}, ${step}) is empty (stop is exclusive, as in Python)`);
    if (count > MAX_RANGE) this.fail(col, `range(${start}, ${stop}, ${step}) has ${count} values; the limit is ${MAX_RANGE}`);
    const integral = Number.isInteger(start) && Number.isInteger(step);
    const choices: SweepChoice[] = [];
    for (let i = 0; i < count; i++) {
      const value = integral ? start + i * step : Number.parseFloat((start + i * step).toPrecision(15));
      choices.push({ value, text: formatValue(value) });
    }
    return { t: 'sweep', sweep: { kind: 'range', start, stop, step, choices }, col };
  }

  sorted(choices: SweepChoice[], reverse: boolean, col: number): SweepChoice[] {
    const allNumbers = choices.every((c) => typeof c.value === 'number');
    const allStrings = choices.every((c) => typeof c.value === 'string');
    if (!allNumbers && !allStrings) this.fail(col, 'sort(...) needs all numbers or all strings');
    const out = [...choices].sort((a, b) => (allNumbers ? (a.value as number) - (b.value as number) : String(a.value) < String(b.value) ? -1 : String(a.value) > String(b.value) ? 1 : 0));
    return reverse ? out.reverse() : out;
  }

  cast(name: string, value: OverrideValue, col: number): OverrideValue {
    if (Array.isArray(value)) return value.map((v) => this.cast(name, v, col));
    if (isPlainObject(value)) {
      const out: Record<string, OverrideValue> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.cast(name, v as OverrideValue, col);
      return out;
    }
    const bad = (): never => this.fail(col, `cannot cast ${formatValue(value)} to ${name}`);
    switch (name) {
      case 'str':
        return value === null ? 'null' : typeof value === 'number' ? formatValue(value) : String(value);
      case 'bool':
        if (typeof value === 'boolean') return value;
        if (typeof value === 'number') return value !== 0;
        if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
        return bad();
      case 'int': {
        const n = typeof value === 'boolean' ? Number(value) : typeof value === 'number' ? value : typeof value === 'string' ? typePrimitive(value.trim()) : null;
        if (typeof n !== 'number' || !Number.isFinite(n)) return bad();
        return Math.trunc(n);
      }
      default: {
        const n = typeof value === 'boolean' ? Number(value) : typeof value === 'number' ? value : typeof value === 'string' ? typePrimitive(value.trim()) : null;
        if (typeof n !== 'number') return bad();
        return n;
      }
    }
  }
}

function isTerminator(ch: string, ctx: Context): boolean {
  if (ch === ',') return ctx !== 'key';
  if (ctx === 'list') return ch === ']';
  if (ctx === 'dict') return ch === '}';
  if (ctx === 'arg') return ch === ')';
  if (ctx === 'key') return ch === ':';
  return false;
}

/**
 * Parses one command-line override. Throws AeroError `OVERRIDE_INVALID` whose message
 * quotes the override and points at the column of the problem.
 */
export function parseOverride(text: string): Override {
  const parser = new Parser(text);
  let kind: OverrideKind = 'set';
  if (text.startsWith('++')) {
    kind = 'force';
    parser.pos = 2;
  } else if (text.startsWith('+')) {
    kind = 'add';
    parser.pos = 1;
  } else if (text.startsWith('~')) {
    kind = 'delete';
    parser.pos = 1;
  }
  if (text.length === 0) parser.fail(0, 'empty override');
  const keyColumn = parser.pos + 1;
  const { key, path, isGroupPath, pkg } = parser.parseKey();
  const base = { text, kind, key, path, isGroupPath, package: pkg, keyColumn };
  if (parser.done) {
    if (kind === 'delete') return { ...base, value: undefined, valueText: undefined, sweep: undefined, valueColumn: undefined };
    parser.fail(parser.pos, kind === 'set' ? `expected \`=\` after the key (to delete the key write ~${key})` : 'expected `=` after the key');
  }
  if (parser.peek() !== '=') {
    const ch = parser.peek()!;
    parser.fail(parser.pos, ch === ' ' || ch === '\t' ? 'whitespace in the key; write key=value without spaces around `=`' : `unexpected \`${ch}\` in the key`);
  }
  parser.pos++;
  const valueStart = parser.pos;
  const node = parser.parseTopValue();
  const valueText = text.slice(valueStart);
  if (kind === 'delete' && valueText.trim().length === 0) {
    return { ...base, value: undefined, valueText: undefined, sweep: undefined, valueColumn: undefined };
  }
  if (node.t === 'sweep') {
    if (kind === 'delete') parser.fail(valueStart, 'a delete (~key=value) cannot sweep over values');
    return { ...base, value: undefined, valueText, sweep: node.sweep, valueColumn: valueStart + 1 };
  }
  return { ...base, value: node.value, valueText, sweep: undefined, valueColumn: valueStart + 1 };
}
