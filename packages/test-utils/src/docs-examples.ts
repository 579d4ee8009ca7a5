/** One fenced code block of a Markdown file. */
export interface MarkdownBlock {
  /** The info string after the opening fence, trimmed (`ts example`, `sh`, `ts file=src/a.ts`). */
  info: string;
  code: string;
}

/** The fenced code blocks of a Markdown document, in order, with their info strings. */
export function markdownBlocks(markdown: string): MarkdownBlock[] {
  const out: MarkdownBlock[] = [];
  const re = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) out.push({ info: m[1]!.trim(), code: m[2]! });
  return out;
}

/**
 * The `aero` commands of a shell block, as argument lists: comments dropped, `;` separates
 * commands, single quotes group an argument.
 * `npx aero run --only 'a[b=c]'   # note` → `[['run', '--only', 'a[b=c]']]`;
 * `npx aero ps; npx aero show latest` → `[['ps'], ['show', 'latest']]`.
 */
export function aeroCommands(sh: string): string[][] {
  return sh
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l.startsWith('npx aero '))
    .flatMap((l) => l.split(';').map((c) => c.trim()))
    .map((c) => (c.replace(/^npx aero /, '').match(/'[^']*'|\S+/g) ?? []).map((a) => a.replace(/^'(.*)'$/, '$1')));
}
