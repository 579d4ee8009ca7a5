import type { Options } from 'tsup';

/**
 * The one build recipe every package shares: ESM only, Node 20 target, bundled
 * declarations. Packages pass their entry points and nothing else, so every
 * published package has the same shape.
 */
export function aeroTsup(entry: Record<string, string> | string[] = ['src/index.ts'], extra: Options = {}): Options {
  return {
    entry,
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: false,
    outDir: 'dist',
    ...extra,
  };
}
