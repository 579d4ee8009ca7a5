/** `{ train: { lr: 0.1 } }` → `{ 'train.lr': 0.1 }`; arrays and scalars are leaves. */
export function flattenParams(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out[prefix] = {};
    for (const [k, v] of entries) flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = value;
  return out;
}

/** The dot paths whose value is not the same in every one of `flat` (missing counts as a value). */
export function differingKeys(flat: Array<Record<string, unknown>>): string[] {
  if (flat.length < 2) return [];
  const keys = new Set(flat.flatMap((f) => Object.keys(f)));
  const out: string[] = [];
  for (const key of keys) {
    const first = JSON.stringify(flat[0]![key]);
    if (flat.some((f) => JSON.stringify(f[key]) !== first)) out.push(key);
  }
  return out.sort();
}
