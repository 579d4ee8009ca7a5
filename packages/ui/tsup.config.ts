import { defineConfig } from 'tsup';
import { aeroTsup } from '../../tsup.config.base';

/**
 * The server/report code is the shared dual build; the browser client (pages, uPlot,
 * dagre, styles) is bundled once more for the browser into dist/client/app.js + app.css
 * after it (in onSuccess, so the shared build's `clean` cannot race with it). Shipped in
 * the package, so `aero ui` and `aero report` work offline.
 */
export default defineConfig(
  aeroTsup(
    { index: 'src/index.ts' },
    {
      async onSuccess() {
        const { build } = await import('esbuild');
        await build({
          entryPoints: { app: 'client/main.ts' },
          bundle: true,
          format: 'iife',
          platform: 'browser',
          target: ['es2022'],
          minify: true,
          legalComments: 'eof',
          outdir: 'dist/client',
          logLevel: 'warning',
        });
      },
    },
  ),
);
