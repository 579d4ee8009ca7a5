import type { Options } from 'tsup';

/**
 * The one build recipe every package shares: ESM and CommonJS (so both `import` and
 * `require` of a published package work), Node 20 target, bundled declarations for each
 * format (`.d.ts` beside the ESM build, `.d.cts` beside the CommonJS one). `shims` gives
 * the CommonJS build a working `import.meta.url`. Packages pass their entry points and
 * nothing else, so every published package has the same shape (tools/package-meta checks
 * that its package.json points at exactly these files).
 */
export function aeroTsup(entry: Record<string, string> | string[] = ['src/index.ts'], extra: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    target: 'node20',
    platform: 'node',
    dts: true,
    shims: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: false,
    outDir: 'dist',
    ...extra,
  };
}
