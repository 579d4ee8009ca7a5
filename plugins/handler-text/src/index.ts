import type { AssetHandler } from '@aeroml/core';
import { bytesHandler } from './bytes.js';
import { csvHandler } from './csv.js';
import { jsonHandler } from './json.js';
import { jsonlHandler } from './jsonl.js';
import { parseOptions, textHandlersOptionsSchema, type TextHandlersOptions } from './options.js';
import { textHandler } from './text.js';

export { textHandler } from './text.js';
export { jsonHandler } from './json.js';
export { jsonlHandler } from './jsonl.js';
export { csvHandler } from './csv.js';
export type { CsvCell, CsvRecord, CsvValue } from './csv.js';
export { bytesHandler } from './bytes.js';
export { canonicalJson } from './json-format.js';
export { TextErrorCodes } from './errors.js';
export { csvOptionsSchema, textHandlersOptionsSchema } from './options.js';
export type { CsvOptions, TextHandlersOptions } from './options.js';

/**
 * The five built-in formats at once, for `plugins: [textHandlers()]`:
 * `text`, `json`, `jsonl`, `csv`, `bytes`.
 */
export function textHandlers(options?: TextHandlersOptions): AssetHandler<any, any, any>[] {
  const opts = parseOptions('textHandlers', textHandlersOptionsSchema, options);
  return [textHandler(), jsonHandler(), jsonlHandler(), csvHandler(opts.csv), bytesHandler()];
}
