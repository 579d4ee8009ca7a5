/**
 * Records `source` as the origin of every path in a params tree (objects, arrays and
 * leaves), so a value that fails validation names where it was set — the config file
 * as a CLI value names `<cli>`. Paths already recorded keep their origin.
 */
export function recordOrigins(tree: unknown, source: string, origins: Record<string, string>, prefix = ''): void {
  if (tree === null || typeof tree !== 'object') return;
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    origins[path] ??= source;
    recordOrigins(value, source, origins, path);
  }
}
