import { describeCodeChange } from '../code-identity/index.js';
import { canonicalJson } from '../hash.js';
import type { CacheComponents } from '../runs.js';

/** Human sentences for each component that differs, most important first. */
export function describeChange(before: CacheComponents, after: CacheComponents): string[] {
  const changes: string[] = [];
  if (before.code !== after.code) {
    const changed = describeCodeChange(before.codeFiles, after.codeFiles);
    changes.push(`code changed${changed.length ? ` (${changed.join(', ')})` : ''}`);
  }
  if (canonicalJson(before.params) !== canonicalJson(after.params)) {
    const diffs = diffPaths(before.params, after.params, '');
    changes.push(`params changed (${diffs.slice(0, 5).join(', ')}${diffs.length > 5 ? ', …' : ''})`);
  }
  for (const name of new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)])) {
    if (canonicalJson(before.inputs[name]) !== canonicalJson(after.inputs[name])) changes.push(`input \`${name}\` changed`);
  }
  if (canonicalJson(before.outputs) !== canonicalJson(after.outputs)) changes.push('output paths or handler versions changed');
  return changes;
}

/** `a.b: old → new` for every leaf that differs. */
export function diffPaths(a: unknown, b: unknown, prefix: string): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => diffPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return [`${prefix || '(root)'}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`];
}
