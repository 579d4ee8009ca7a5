import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UiErrorCodes, uiError } from './errors.js';

export interface ClientAssets {
  js: string;
  css: string;
}

let cached: ClientAssets | undefined;

/**
 * The browser bundle (uPlot, dagre and the pages, built by `tsup` into dist/client/). Found
 * next to this module in the built package, or in dist/ when this runs from src/ (tests).
 */
export function clientAssets(): ClientAssets {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = [join(here, 'client'), join(here, '..', 'dist', 'client')].find((d) => existsSync(join(d, 'app.js')));
  if (!dir) {
    throw uiError(UiErrorCodes.ASSETS_MISSING, `The aero ui browser bundle (client/app.js) is missing next to ${here}.`, {
      hint: 'Reinstall @aeroml/ui; in a checkout of aero, build it first: cd packages/ui && npx tsup',
    });
  }
  cached = { js: readFileSync(join(dir, 'app.js'), 'utf8'), css: readFileSync(join(dir, 'app.css'), 'utf8') };
  return cached;
}
