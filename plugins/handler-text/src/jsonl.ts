import type { AssetHandler } from '@aeroml/core';
import { TextErrorCodes, textError } from './errors.js';
import { optionlessHandler } from './define.js';
import { readBytes, writeOutput } from './fs.js';
import { parseJsonText, serializeJson } from './json.js';
import type { HandlerOf } from './options.js';
import { decodeUtf8, stripBom } from './utf8.js';

/**
 * JSON Lines: an array of JSON values, one per line, each written canonically and
 * compactly. Blank lines are skipped on read; a bad line is reported by its number.
 */
export const jsonlHandler: (options?: Record<string, never>) => AssetHandler<unknown[]> = optionlessHandler('jsonl', (): HandlerOf<unknown[]> => ({
  extensions: ['jsonl', 'ndjson'],
  async read(path) {
    const text = stripBom(decodeUtf8('jsonl', path, await readBytes('jsonl', path)));
    const values: unknown[] = [];
    let line = 1;
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      const raw = text.slice(start, end);
      if (raw.trim() !== '') values.push(parseJsonText('jsonl', TextErrorCodes.JSONL_INVALID, path, raw, line));
      start = end + 1;
      line++;
    }
    return values;
  },
  async write(path, value) {
    if (!Array.isArray(value)) {
      throw textError(TextErrorCodes.VALUE_INVALID, `jsonl handler: cannot write ${path}: expected an array of values (one per line), got ${value === null ? 'null' : typeof value}.`, {
        hint: 'Wrap a single value in an array, or use the json handler.',
      });
    }
    const lines = value.map((item, i) => serializeJson('jsonl', path, item, 0, `$[${i}]`));
    await writeOutput('jsonl', path, lines.map((l) => `${l}\n`).join(''));
  },
  describe(value) {
    return { rows: value.length };
  },
}));
