import { defineErrors } from '@aeroml/core';

export const PLUGIN = '@aeroml/handler-text';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need. */
export const textErrors = defineErrors(
  {
    TEXT_FILE_NOT_FOUND: { title: 'The file to read does not exist', exit: 1, message: () => 'json handler: cannot read /p/a.json: the file does not exist.', hint: 'Check the action wrote this output, or the path.' },
    TEXT_READ_FAILED: { title: 'The file exists but could not be read (a directory, permissions)', exit: 1, message: () => 'text handler: cannot read /p/dir: EISDIR: ...', hint: 'Point at a file; check permissions.' },
    TEXT_WRITE_FAILED: { title: 'The file could not be written (permissions, disk full, a file where a directory should be)', exit: 1, message: () => 'bytes handler: cannot write /p/f/out.bin: ENOTDIR: ...', hint: 'Make the directory writable; remove a file standing where a directory should be.' },
    TEXT_INVALID_UTF8: { title: 'The file is not valid UTF-8', exit: 1, message: () => 'text handler: /p/a.txt line 3: invalid UTF-8 at byte 5.', hint: 'Re-encode as UTF-8, or use the `bytes` handler.' },
    TEXT_JSON_INVALID: { title: 'The `.json` file is not valid JSON', exit: 1, message: () => 'json handler: /p/a.json line 3, column 8: invalid JSON: unexpected "}".', hint: 'Fix or regenerate the file.' },
    TEXT_JSONL_INVALID: { title: 'A line of the `.jsonl` file is not valid JSON', exit: 1, message: () => 'jsonl handler: /p/m.jsonl line 4, column 6: invalid JSON: unexpected end of file.', hint: 'Fix that line or regenerate the file.' },
    TEXT_CSV_INVALID: { title: 'The `.csv` file breaks RFC 4180 (stray quote, unterminated quote, ragged row, duplicate column)', exit: 1, message: () => '`csv handler: /p/t.csv line 4: 3 fields, but the header has 2.` (also: quoted field never closed, stray quote, duplicate column)', hint: 'Fix the quoting on that line; read with `header: false` for ragged rows.' },
    TEXT_VALUE_INVALID: { title: '`write` got a value this handler cannot store without losing information', exit: 1, message: () => 'json handler: cannot write /p/a.json: $.a.b[1]: NaN is not representable in JSON.', hint: 'Convert the value to what the format holds.' },
  },
  { plugin: PLUGIN },
);

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
