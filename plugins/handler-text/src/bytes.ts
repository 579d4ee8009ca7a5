import type { AssetHandler } from '@aeroml/core';
import { TextErrorCodes, textError } from './errors.js';
import { optionlessHandler } from './define.js';
import { readBytes, writeOutput } from './fs.js';
import type { HandlerOf } from './options.js';

/** Raw bytes: a Uint8Array (a Buffer is one too) in, a Uint8Array out. */
export const bytesHandler: (options?: Record<string, never>) => AssetHandler<Uint8Array> = optionlessHandler('bytes', (): HandlerOf<Uint8Array> => ({
  extensions: ['bin', 'bytes'],
  async read(path) {
    const buf = await readBytes('bytes', path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  },
  async write(path, value) {
    if (!(value instanceof Uint8Array)) {
      throw textError(TextErrorCodes.VALUE_INVALID, `bytes handler: cannot write ${path}: expected a Uint8Array, got ${value === null ? 'null' : typeof value === 'object' ? ((value as object).constructor?.name ?? 'object') : typeof value}.`, {
        hint: 'Pass a Uint8Array or Buffer; use the text handler for strings.',
      });
    }
    await writeOutput('bytes', path, value);
  },
  describe(value) {
    return { length: value.byteLength };
  },
}));
