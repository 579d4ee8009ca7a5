import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';

/** The parts of an oxc-parser result the analysis reads. */
export interface ParsedModule {
  program: { body: unknown[] };
  /**
   * Comments and literals whose text must stay as written (strings, templates, regexes,
   * JSX text), sorted by position and not overlapping: what code hashing works around.
   */
  spans: Array<{ start: number; end: number; comment: boolean }>;
}

type ParseSync = (filename: string, text: string, options?: { sourceType?: 'module' | 'unambiguous' }) => {
  program: { body: unknown[] };
  comments: Array<{ start: number; end: number }>;
  errors: unknown[];
};

/**
 * oxc-parser, not the TypeScript compiler: it loads in ~10 ms and parses a 500-line
 * module in ~3 ms, where `typescript` takes ~170 ms and ~60 MB more memory just to load
 * (measured on Node 20, see the commit that added it). Loaded on the first file that is
 * not in the analysis cache, so an unchanged project never loads it. `null` when no
 * binding for this platform is installed: callers then hash whole files, as before.
 */
let parseSyncOnce: ParseSync | null | undefined;
function loadParser(): ParseSync | null {
  if (parseSyncOnce === undefined) {
    try {
      parseSyncOnce = (createRequire(import.meta.url)('oxc-parser') as { parseSync: ParseSync }).parseSync;
    } catch {
      parseSyncOnce = null;
    }
  }
  return parseSyncOnce;
}

/**
 * The installed oxc-parser's version, read from its package.json without loading it:
 * part of the analysis cache location, because piece hashes are hashes of its trees.
 */
export function parserVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (JSON.parse(readFileSync(require.resolve('oxc-parser/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'none';
  }
}

/**
 * Parses a JavaScript or TypeScript module (the language follows the file extension).
 * `undefined` when the text has a syntax error or no parser is available: nothing in
 * such a file can be attributed to one declaration.
 */
export function parseModule(filename: string, text: string): ParsedModule | undefined {
  const parseSync = loadParser();
  if (!parseSync) return undefined;
  const result = parseSync(basename(filename), text, { sourceType: 'unambiguous' });
  if (result.errors.length > 0) return undefined;
  return { program: result.program, spans: verbatimSpans(result.program, result.comments) };
}

interface SpanNode {
  type: string;
  start: number;
  end: number;
  value?: unknown;
  regex?: unknown;
}

/** Comments and literal spans, outermost first where they nest (a template inside a template). */
function verbatimSpans(program: unknown, comments: Array<{ start: number; end: number }>): ParsedModule['spans'] {
  const spans: ParsedModule['spans'] = comments.map((c) => ({ start: c.start, end: c.end, comment: true }));
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const node = value as SpanNode;
    if (node.type === 'TemplateLiteral' || node.type === 'JSXText' || (node.type === 'Literal' && (typeof node.value === 'string' || node.regex))) {
      spans.push({ start: node.start, end: node.end, comment: false });
      return;
    }
    for (const key in node) if (key !== 'type' && key !== 'start' && key !== 'end') visit((node as unknown as Record<string, unknown>)[key]);
  };
  visit(program);
  // Comments inside a template's expressions fall inside its span: the template wins.
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: ParsedModule['spans'] = [];
  for (const span of spans) if (!out.length || span.start >= out[out.length - 1]!.end) out.push(span);
  return out;
}
