import { defineErrors } from '@aeroml/core';
import rows from './errors.json';

export const PLUGIN = '@aeroml/handler-text';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need: the rows are data, in errors.json. */
export const textErrors = defineErrors(rows, { plugin: PLUGIN });

/** Error codes raised by @aeroml/handler-text. */
export const TextErrorCodes = textErrors.codesWithout('TEXT_');
/** An AeroError of this package with the message written where it is raised. */
export const textError = textErrors.create;

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
