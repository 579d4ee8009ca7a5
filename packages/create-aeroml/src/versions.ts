/** Embedded at build time by tsup (and by vitest.config.ts for tests); see versions.config.ts. */
declare const __AERO_VERSIONS__: Record<string, string>;

export const VERSIONS: Readonly<Record<string, string>> = __AERO_VERSIONS__;

/** The range a generated package.json uses for a published package. */
export function rangeOf(name: string): string {
  const range = VERSIONS[name];
  if (!range) throw new Error(`create-aeroml was built without a version for ${name}`);
  return range;
}
