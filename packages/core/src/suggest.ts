import { distance } from 'fastest-levenshtein';

/**
 * The candidates nearest to `word` by edit distance, best first, within a budget that
 * grows with the word (a third of its length, at least 2), so `lrr` finds `lr` but
 * `zzz` finds nothing rather than a random name.
 */
export function nearestNames(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const budget = Math.max(2, Math.floor(word.length / 3));
  const scored: Array<{ name: string; d: number }> = [];
  for (const name of new Set(candidates)) {
    if (name === word) continue;
    const d = distance(word.toLowerCase(), name.toLowerCase());
    if (d <= budget) scored.push({ name, d });
  }
  scored.sort((a, b) => a.d - b.d || a.name.localeCompare(b.name));
  return scored.slice(0, limit).map((s) => s.name);
}

/** "Did you mean `a`?" / "Did you mean `a` or `b`?"; empty when there is nothing to suggest. */
export function didYouMean(names: readonly string[]): string {
  if (names.length === 0) return '';
  const quoted = names.map((n) => `\`${n}\``);
  return `Did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`}?`;
}
