/**
 * The names of a code identity's parts, as they appear in `codeFiles` of a cache
 * entry (part of the cache key) and in `aero why`:
 * - `src/model.ts`: a whole file (a `deps` file, or a module analysis cannot split);
 * - `src/model.ts#function softmax`: one top-level declaration or statement of a module;
 * - `npm:zod`: a package the code reaches, with its installed version as the value.
 */
const PIECE = '#';
const PACKAGE = 'npm:';

export function pieceKey(file: string, label: string): string {
  return `${file}${PIECE}${label}`;
}

export function packageKey(name: string): string {
  return `${PACKAGE}${name}`;
}

/** The project files behind a set of parts (for the run snapshot of action sources). */
export function sourceFilesOf(parts: Record<string, string>): string[] {
  const files = new Set<string>();
  for (const key of Object.keys(parts)) {
    if (key.startsWith(PACKAGE)) continue;
    const at = key.indexOf(PIECE);
    files.add(at < 0 ? key : key.slice(0, at));
  }
  return [...files];
}

/** `function softmax` → ``function `softmax` ``; `statement 1a2b3c4d` → `a top-level statement`. */
function describeLabel(label: string): string {
  if (label.startsWith('statement ')) return 'a top-level statement';
  if (label === 'default export') return 'the default export';
  const space = label.indexOf(' ');
  return space < 0 ? `\`${label}\`` : `${label.slice(0, space)} \`${label.slice(space + 1)}\``;
}

function describePart(key: string): string {
  if (key.startsWith(PACKAGE)) return `package ${key.slice(PACKAGE.length)}`;
  const at = key.indexOf(PIECE);
  return at < 0 ? key : `${describeLabel(key.slice(at + 1))} in ${key.slice(0, at)}`;
}

/**
 * What differs between two code identities, one phrase per part, e.g.
 * ``function `normalise` in src/features.ts``, `package zod 4.1.0 → 4.2.0`,
 * ``const `SCALE` in src/x.ts (newly used)``.
 */
export function describeCodeChange(before: Record<string, string>, after: Record<string, string>): string[] {
  const changes: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = before[key];
    const now = after[key];
    if (was === now) continue;
    if (key.startsWith(PACKAGE) && was !== undefined && now !== undefined) changes.push(`package ${was} → ${now}`);
    else if (was === undefined) changes.push(`${describePart(key)} (newly used)`);
    else if (now === undefined) changes.push(`${describePart(key)} (no longer used)`);
    else changes.push(describePart(key));
  }
  return changes;
}
