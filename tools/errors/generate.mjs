#!/usr/bin/env node
// Writes docs/errors.md from the error catalogues (defineErrors in each package).
//   node tools/errors/generate.mjs          rewrite docs/errors.md
//   node tools/errors/generate.mjs --check  exit 1 when docs/errors.md is not what it would write
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from './catalogues.mjs';
import { renderErrorsPage } from './render.mjs';

const target = fileURLToPath(new URL('../../docs/errors.md', import.meta.url));
const page = renderErrorsPage(await loadCatalogue());

if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== page) {
    console.error('docs/errors.md is stale: it is generated from the error catalogues (defineErrors). Run `node tools/errors/generate.mjs` and commit it.');
    process.exit(1);
  }
} else {
  await writeFile(target, page);
}
