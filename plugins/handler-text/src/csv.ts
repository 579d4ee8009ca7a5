import { defineHandler, parsePluginOptions, type AssetHandler } from '@aeroml/core';
import { PLUGIN, TextErrorCodes, textError } from './errors.js';
import { readBytes, writeOutput } from './fs.js';
import { CsvSyntaxError, formatCsv, maybeNumber, parseCsv } from './csv-format.js';
import { csvOptionsSchema, type CsvOptions, type HandlerOf, type ResolvedCsvOptions } from './options.js';
import { decodeUtf8, stripBom } from './utf8.js';
import { VERSION } from './version.js';

/** Read gives strings (or numbers with `numbers: true`); write also accepts booleans and null (empty). */
export type CsvCell = string | number | boolean | null;
export type CsvRecord = Record<string, CsvCell>;
/** Records (with a header row) or rows of cells (`header: false`). */
export type CsvValue = CsvRecord[] | CsvCell[][];

function invalid(path: string, line: number, reason: string, hint: string, cause?: unknown) {
  return textError(TextErrorCodes.CSV_INVALID, `csv handler: ${path} line ${line}: ${reason}.`, { hint, cause, details: { path, line } });
}

function cellText(path: string, where: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw valueError(path, `${where} is ${value}, which CSV cannot hold faithfully`);
    return String(value);
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return '';
  throw valueError(path, `${where} is ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}; a cell must be a string, number, boolean or null`);
}

function valueError(path: string, reason: string) {
  return textError(TextErrorCodes.VALUE_INVALID, `csv handler: cannot write ${path}: ${reason}.`, {
    hint: 'Pass an array of flat records ({ column: value }) or, with `header: false`, an array of rows (arrays of cells).',
  });
}

/**
 * CSV per RFC 4180. With `header: true` (default) a value is an array of records and the
 * first row holds the column names (the union of the records' keys, in first-seen order);
 * with `header: false` it is an array of rows. Cells read back as strings, or as numbers
 * where they look like one when `numbers: true`.
 */
export const csvHandler: (options?: CsvOptions) => AssetHandler<CsvValue, Partial<CsvOptions>, Partial<CsvOptions>> = defineHandler({
  name: 'csv',
  packageName: PLUGIN,
  version: VERSION,
  factory: 'csvHandler',
  options: csvOptionsSchema,
  setup: (base) => csvMembers(base),
});

// Per-call read/write options are checked like the factory's, over the factory's values.
function csvMembers(base: ResolvedCsvOptions): HandlerOf<CsvValue, Partial<CsvOptions>, Partial<CsvOptions>> {
  const resolve = (extra: Partial<CsvOptions> | undefined): ResolvedCsvOptions => (extra && Object.keys(extra).length > 0 ? parsePluginOptions(csvOptionsSchema, { ...base, ...extra }, { packageName: PLUGIN, subject: 'read/write options of the csv handler' }) : base);

  return {
    extensions: ['csv'],
    async read(path, readOptions) {
      const opts = resolve(readOptions);
      const text = stripBom(decodeUtf8('csv', path, await readBytes('csv', path)));
      let parsed;
      try {
        parsed = parseCsv(text, opts.delimiter);
      } catch (error) {
        if (!(error instanceof CsvSyntaxError)) throw error;
        throw invalid(path, error.line, `column ${error.column}: ${error.reason}`, 'The file is not valid RFC 4180 CSV; fix the quoting on that line or regenerate the file.', error);
      }
      const cell = opts.numbers ? maybeNumber : (s: string) => s;
      if (!opts.header) return parsed.rows.map((row) => row.map(cell));
      const [head, ...body] = parsed.rows;
      if (!head) return [];
      const seen = new Set<string>();
      for (const name of head) {
        if (seen.has(name)) throw invalid(path, parsed.lines[0]!, `duplicate column name ${JSON.stringify(name)} in the header row`, 'Rename the column, or read with `header: false`.');
        seen.add(name);
      }
      return body.map((row, r) => {
        if (row.length !== head.length) {
          throw invalid(path, parsed.lines[r + 1]!, `${row.length} fields, but the header has ${head.length}`, 'Every row needs as many fields as the header; read with `header: false` for ragged rows.');
        }
        const record: CsvRecord = {};
        for (let c = 0; c < head.length; c++) record[head[c]!] = cell(row[c]!);
        return record;
      });
    },
    async write(path, value, writeOptions) {
      const opts = resolve(writeOptions);
      if (!Array.isArray(value)) throw valueError(path, `expected an array, got ${value === null ? 'null' : typeof value}`);
      let rows: string[][];
      if (opts.header) {
        const columns: string[] = [];
        const known = new Set<string>();
        value.forEach((record, r) => {
          if (record === null || typeof record !== 'object' || Array.isArray(record)) {
            throw valueError(path, `row ${r} is ${Array.isArray(record) ? 'an array' : record === null ? 'null' : `a ${typeof record}`}, but with \`header: true\` every row must be a record`);
          }
          for (const key of Object.keys(record)) if (!known.has(key)) (known.add(key), columns.push(key));
        });
        if (columns.length === 0 && value.length > 0) throw valueError(path, 'the records have no fields');
        rows = value.length === 0 ? [] : [columns, ...(value as CsvRecord[]).map((record, r) => columns.map((c) => cellText(path, `row ${r} column ${JSON.stringify(c)}`, record[c])))];
      } else {
        rows = value.map((row, r) => {
          if (!Array.isArray(row)) throw valueError(path, `row ${r} is not an array (with \`header: false\` every row is an array of cells)`);
          if (row.length === 0) throw valueError(path, `row ${r} is empty; CSV cannot hold a row without fields`);
          return row.map((cell, c) => cellText(path, `row ${r} cell ${c}`, cell));
        });
      }
      await writeOutput('csv', path, formatCsv(rows, opts.delimiter, opts.newline));
    },
    describe(value) {
      if (!Array.isArray(value)) return { rows: 0 };
      const first = value[0];
      if (Array.isArray(first)) return { rows: value.length, columns: Math.max(...(value as unknown[][]).map((r) => r.length)) };
      const columns: string[] = [];
      const known = new Set<string>();
      for (const record of value as CsvRecord[]) for (const key of Object.keys(record ?? {})) if (!known.has(key)) (known.add(key), columns.push(key));
      return { rows: value.length, columns: columns.length, ...(columns.length <= 50 ? { header: columns } : {}) };
    },
  };
}
