/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, like `Array.prototype.sort`),
 * so equal values always give equal bytes whatever order their keys were inserted in.
 * Values JSON cannot hold faithfully (NaN, Infinity, bigint, functions, Map, Set, typed
 * arrays, cycles) are refused with the path to the offending value, instead of being
 * silently turned into `null` or `{}` as `JSON.stringify` would.
 */
export class JsonValueError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Serializes `value` canonically. `indent` > 0 gives the `JSON.stringify(v, null, indent)`
 * layout; 0 gives the compact form (for JSON Lines).
 */
export function canonicalJson(value: unknown, indent: number, root = '$'): string {
  const seen = new Set<object>();
  const out: string[] = [];
  const pad = (depth: number) => (indent > 0 ? `\n${' '.repeat(indent * depth)}` : '');
  const colon = indent > 0 ? ': ' : ':';

  const write = (v: unknown, path: string, depth: number): void => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON(key: string): unknown }).toJSON('');
    }
    switch (typeof v) {
      case 'string':
        out.push(JSON.stringify(v));
        return;
      case 'boolean':
        out.push(v ? 'true' : 'false');
        return;
      case 'number':
        if (!Number.isFinite(v)) throw new JsonValueError(path, `${v} is not representable in JSON`);
        out.push(JSON.stringify(v));
        return;
      case 'object':
        break;
      default:
        throw new JsonValueError(path, `a ${typeof v} is not representable in JSON`);
    }
    if (v === null) {
      out.push('null');
      return;
    }
    const obj = v as object;
    if (seen.has(obj)) throw new JsonValueError(path, 'circular reference');
    if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer || obj instanceof Map || obj instanceof Set) {
      throw new JsonValueError(path, `a ${describeType(obj)} is not representable in JSON`);
    }
    seen.add(obj);
    if (Array.isArray(obj)) {
      if (obj.length === 0) out.push('[]');
      else {
        out.push('[');
        for (let i = 0; i < obj.length; i++) {
          if (i > 0) out.push(',');
          out.push(pad(depth + 1));
          const item = obj[i];
          if (item === undefined) throw new JsonValueError(`${path}[${i}]`, 'undefined is not representable in JSON');
          write(item, `${path}[${i}]`, depth + 1);
        }
        out.push(pad(depth), ']');
      }
    } else {
      const keys = Object.keys(obj)
        .filter((k) => (obj as Record<string, unknown>)[k] !== undefined)
        .sort();
      if (keys.length === 0) out.push('{}');
      else {
        out.push('{');
        keys.forEach((key, i) => {
          if (i > 0) out.push(',');
          out.push(pad(depth + 1), JSON.stringify(key), colon);
          write((obj as Record<string, unknown>)[key], childPath(path, key), depth + 1);
        });
        out.push(pad(depth), '}');
      }
    }
    seen.delete(obj);
  };

  if (value === undefined) throw new JsonValueError(root, 'undefined is not representable in JSON');
  write(value, root, 0);
  return out.join('');
}

/**
 * Finds where JSON text first goes wrong, with a reason that does not depend on the Node
 * version (V8's own messages differ between releases and often omit the position).
 * Returns null when the text is valid.
 */
export function locateJsonError(text: string): { offset: number; reason: string } | null {
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw { offset: at, reason };
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const char = () => (i < text.length ? JSON.stringify(text[i]) : 'end of file');
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${char()}`);
  };
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const string = () => {
    const start = i;
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('unescaped control character in string');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('bad escape in string');
      } else i++;
    }
  };
  /** Steps over an object's or array's opening bracket; true when `close` follows at once (empty). */
  const opensEmpty = (close: string): boolean => {
    i++;
    ws();
    if (text[i] !== close) return false;
    i++;
    return true;
  };
  /** After a member of an object or array: steps over `,` (true: another follows) or `close` (false: it ends). */
  const commaOrClose = (close: string, after: string): boolean => {
    ws();
    const c = text[i];
    if (c !== ',' && c !== close) fail(`expected ',' or '${close}' after ${after}, found ${char()}`);
    i++;
    return c === ',';
  };
  const value = (depth: number): void => {
    if (depth > 5000) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      if (opensEmpty('}')) return;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === '}' ? 'trailing comma in object' : `expected a property name in double quotes, found ${char()}`);
        string();
        ws();
        if (text[i] !== ':') fail(`expected ':' after property name, found ${char()}`);
        i++;
        value(depth + 1);
        if (!commaOrClose('}', 'property value')) return;
      }
    } else if (c === '[') {
      if (opensEmpty(']')) return;
      for (;;) {
        ws();
        if (text[i] === ']') fail('trailing comma in array');
        value(depth + 1);
        if (!commaOrClose(']', 'array element')) return;
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      number.lastIndex = i;
      const m = number.exec(text);
      if (!m) fail(`bad number`);
      i += m![0].length;
    } else fail(c === undefined ? 'unexpected end of file' : `unexpected ${char()}`);
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail(`unexpected ${char()} after the JSON value`);
    return null;
  } catch (error) {
    if (error && typeof error === 'object' && 'reason' in error) return error as { offset: number; reason: string };
    return { offset: 0, reason: String(error) };
  }
}
