import type { AssetHandler } from '@aeroml/core';
import { TextErrorCodes, textError } from './errors.js';
import { optionlessHandler } from './define.js';
import { readBytes, writeOutput } from './fs.js';
import type { HandlerOf } from './options.js';
import { decodeUtf8 } from './utf8.js';

/** Plain UTF-8 text: a string in, the same string out (line endings and BOM kept). */
export const textHandler: (options?: Record<string, never>) => AssetHandler<string> = optionlessHandler('text', (): HandlerOf<string> => ({
  extensions: ['txt', 'text', 'md', 'log'],
  async read(path) {
    return decodeUtf8('text', path, await readBytes('text', path));
  },
  async write(path, value) {
    if (typeof value !== 'string') {
      throw textError(TextErrorCodes.VALUE_INVALID, `text handler: cannot write ${path}: expected a string, got ${value === null ? 'null' : typeof value}.`, {
        hint: 'Convert the value to a string first, or use the json handler for structured values.',
      });
    }
    await writeOutput('text', path, value);
  },
  describe(value) {
    let lines = 0;
    for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) lines++;
    if (value.length > 0 && !value.endsWith('\n')) lines++;
    return { length: value.length, bytes: Buffer.byteLength(value, 'utf8'), lines };
  },
}));
