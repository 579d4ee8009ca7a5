/**
 * RFC 4180 CSV: fields separated by a delimiter, records by CRLF or LF, fields holding
 * the delimiter, a quote or a line break are quoted and quotes inside them doubled.
 * Parsing is strict: a stray quote or an unterminated quoted field is an error with the
 * line it is on, never a silently shifted column.
 */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

export interface ParsedCsv {
  rows: string[][];
  /** 1-based line on which each row starts (rows may span lines). */
  lines: number[];
}

/** Parses CSV text into rows; blank lines are skipped. */
export function parseCsv(text: string, delimiter: string): ParsedCsv {
  const rows: string[][] = [];
  const lines: number[] = [];
  const n = text.length;
  const d = delimiter.charCodeAt(0);
  let i = 0;
  let line = 1;
  let lineStart = 0;
  while (i < n) {
    // Start of a record.
    const c0 = text.charCodeAt(i);
    if (c0 === 0x0a || c0 === 0x0d) {
      // Blank line: skip it.
      i += c0 === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
      line += 1;
      lineStart = i;
      continue;
    }
    const row: string[] = [];
    const rowLine = line;
    for (;;) {
      // Start of a field.
      if (text.charCodeAt(i) === 0x22) {
        const openLine = line;
        const openColumn = i - lineStart + 1;
        i++;
        let value = '';
        let chunkStart = i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) throw new CsvSyntaxError(openLine, openColumn, 'quoted field is never closed');
          for (let k = text.indexOf('\n', i); k !== -1 && k < q; k = text.indexOf('\n', k + 1)) {
            line += 1;
            lineStart = k + 1;
          }
          if (text.charCodeAt(q + 1) === 0x22) {
            value += text.slice(chunkStart, q + 1);
            i = q + 2;
            chunkStart = i;
            continue;
          }
          value += text.slice(chunkStart, q);
          i = q + 1;
          break;
        }
        row.push(value);
        const c = text.charCodeAt(i);
        if (i < n && c !== d && c !== 0x0a && c !== 0x0d) {
          throw new CsvSyntaxError(line, i - lineStart + 1, `unexpected ${JSON.stringify(text[i])} after a closing quote (a quote inside a quoted field must be doubled)`);
        }
      } else {
        let j = i;
        for (; j < n; j++) {
          const c = text.charCodeAt(j);
          if (c === d || c === 0x0a || c === 0x0d) break;
          if (c === 0x22) throw new CsvSyntaxError(line, j - lineStart + 1, 'quote inside an unquoted field (quote the field and double the quote)');
        }
        row.push(text.slice(i, j));
        i = j;
      }
      // After a field: delimiter, line break or end.
      const c = text.charCodeAt(i);
      if (i < n && c === d) {
        i++;
        continue;
      }
      if (i < n) {
        i += c === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
        line += 1;
        lineStart = i;
      }
      break;
    }
    rows.push(row);
    lines.push(rowLine);
  }
  return { rows, lines };
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `"-1.5e3"` → -1500; anything that is not a plain decimal number stays a string. */
export function maybeNumber(field: string): string | number {
  return NUMBER.test(field) ? Number(field) : field;
}

/** Quotes a field when it holds the delimiter, a quote or a line break. */
export function formatField(field: string, delimiter: string): string {
  if (field.includes(delimiter) || field.includes('"') || field.includes('\n') || field.includes('\r')) {
    return `"${field.replaceAll('"', '""')}"`;
  }
  return field;
}

/** One record per line; a record that is a single empty field is written as `""` so it survives. */
export function formatCsv(rows: readonly (readonly string[])[], delimiter: string, newline: string): string {
  let out = '';
  for (const row of rows) {
    out += (row.length === 1 && row[0] === '' ? '""' : row.map((f) => formatField(f, delimiter)).join(delimiter)) + newline;
  }
  return out;
}
