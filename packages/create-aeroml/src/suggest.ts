/**
 * Nearest valid names for a mistyped one. The lists are a handful of words, so a plain
 * edit distance is enough; no dependency keeps `npm create aeroml` a single download.
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Candidates within a third of the word's length (at least 2 edits), nearest first. */
export function nearest(word: string, candidates: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  return candidates
    .map((c) => ({ c, d: Math.min(editDistance(word.toLowerCase(), c.toLowerCase()), c.startsWith(word) && word.length > 0 ? 1 : Infinity) }))
    .filter(({ d }) => d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .map(({ c }) => c);
}

/** ` Did you mean `ts`?` or '' */
export function didYouMean(word: string, candidates: readonly string[], format: (c: string) => string = (c) => `\`${c}\``): string {
  const near = nearest(word, candidates);
  return near.length ? ` Did you mean ${near.slice(0, 2).map(format).join(' or ')}?` : '';
}
