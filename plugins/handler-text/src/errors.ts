import { AeroError, type AeroErrorOptions } from '@aeroml/core';

export const PLUGIN = '@aeroml/handler-text';

/** Error codes raised by @aeroml/handler-text. */
export const TextErrorCodes = {
  /** The file to read does not exist. */
  FILE_NOT_FOUND: 'TEXT_FILE_NOT_FOUND',
  /** The file exists but could not be read (a directory, permissions). */
  READ_FAILED: 'TEXT_READ_FAILED',
  /** The file could not be written (permissions, disk full, a file where a directory should be). */
  WRITE_FAILED: 'TEXT_WRITE_FAILED',
  /** The file is not valid UTF-8. */
  INVALID_UTF8: 'TEXT_INVALID_UTF8',
  /** The `.json` file is not valid JSON. */
  JSON_INVALID: 'TEXT_JSON_INVALID',
  /** A line of the `.jsonl` file is not valid JSON. */
  JSONL_INVALID: 'TEXT_JSONL_INVALID',
  /** The `.csv` file breaks RFC 4180 (stray quote, unterminated quote, ragged row, duplicate column). */
  CSV_INVALID: 'TEXT_CSV_INVALID',
  /** `write` got a value this handler cannot store without losing information. */
  VALUE_INVALID: 'TEXT_VALUE_INVALID',
} as const;

export function textError(code: string, message: string, options: Omit<AeroErrorOptions, 'plugin'> = {}): AeroError {
  return new AeroError(code, message, { ...options, plugin: PLUGIN });
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}
