#!/usr/bin/env node
// Checks that package-lock.json is complete for every platform: each optional dependency
// that a locked package declares (nx, rollup, esbuild and oxc-parser ship one native binary
// package per OS/CPU) has its own entry. npm leaves entries out when a lockfile is updated
// on top of an existing node_modules, and a Mac or Windows user's `npm ci` then installs no
// binary. Fix: delete package-lock.json and node_modules, then `npm install`.
//   node tools/package-meta/lockfile.mjs [package-lock.json]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const lock = JSON.parse(readFileSync(process.argv[2] ?? join(root, 'package-lock.json'), 'utf8'));
const entries = lock.packages;

/** Where npm would place `name` for the package at `path`: nested first, then each parent. */
function resolves(path, name) {
  let base = path;
  for (;;) {
    if (entries[`${base ? `${base}/` : ''}node_modules/${name}`]) return true;
    const cut = base.lastIndexOf('/node_modules/');
    if (!base) return false;
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

const missing = [];
for (const [path, entry] of Object.entries(entries)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (!resolves(path, name)) missing.push(`${name} (optional dependency of ${path || 'the root'})`);
  }
}
if (missing.length) {
  console.error(`package-lock.json lacks ${missing.length} optional package(s) other platforms need:\n  ${missing.join('\n  ')}`);
  console.error('Regenerate it from scratch: rm -rf node_modules package-lock.json && npm install');
  process.exit(1);
}
console.log(`package-lock.json complete: every optional dependency of ${Object.keys(entries).length} entries is locked`);
