import type { AssetHandler } from '@aeroml/core';
import { TextErrorCodes, lineColumn, textError } from './errors.js';
import { optionlessHandler } from './define.js';
import { readBytes, writeOutput } from './fs.js';
import { JsonValueError, canonicalJson, locateJsonError } from './json-format.js';
import type { HandlerOf } from './options.js';
import { decodeUtf8, stripBom } from './utf8.js';

/** Parses JSON text; on failure the AeroError names the file, the line and the column. */
export function parseJsonText(handler: string, code: typeof TextErrorCodes.JSON_INVALID | typeof TextErrorCodes.JSONL_INVALID, path: string, text: string, firstLine = 1): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const found = locateJsonError(text) ?? { offset: 0, reason: (cause as Error).message };
    const { line, column } = lineColumn(text, found.offset);
    const at = firstLine + line - 1;
    throw textError(code, `${handler} handler: ${path} line ${at}, column ${column}: invalid JSON: ${found.reason}.`, {
      cause,
      hint: 'The file is corrupt or was not written by this handler; fix or regenerate it.',
      details: { path, line: at, column },
    });
  }
}

export function serializeJson(handler: string, path: string, value: unknown, indent: number, root = '$'): string {
  try {
    return canonicalJson(value, indent, root);
  } catch (error) {
    if (!(error instanceof JsonValueError)) throw error;
    throw textError(TextErrorCodes.VALUE_INVALID, `${handler} handler: cannot write ${path}: ${error.path}: ${error.reason}.`, {
      hint: 'Convert it to plain JSON first (numbers, strings, booleans, null, arrays, plain objects); use the bytes or npy handler for binary data.',
      details: { path, valuePath: error.path },
    });
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Any JSON value. Written canonically (sorted keys, 2-space indent, trailing newline) so
 * equal values give byte-identical files and therefore the same artifact digest.
 */
export const jsonHandler: (options?: Record<string, never>) => AssetHandler<unknown> = optionlessHandler('json', (): HandlerOf<unknown> => ({
  extensions: ['json'],
  async read(path) {
    const text = stripBom(decodeUtf8('json', path, await readBytes('json', path)));
    return parseJsonText('json', TextErrorCodes.JSON_INVALID, path, text);
  },
  async write(path, value) {
    await writeOutput('json', path, `${serializeJson('json', path, value, 2)}\n`);
  },
  describe(value) {
    const type = kindOf(value);
    if (Array.isArray(value)) return { type, length: value.length };
    if (type === 'object') {
      const keys = Object.keys(value as object).sort();
      return { type, keys: keys.length, ...(keys.length <= 50 ? { fields: keys } : {}) };
    }
    return { type };
  },
}));
