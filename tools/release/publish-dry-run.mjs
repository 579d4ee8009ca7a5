#!/usr/bin/env node
// `npm publish --dry-run` for every public package (CI runs it after the build): proves each
// one packs and would publish, without a registry login. Exits 1 naming every package that
// would not publish.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publicPackages } from '../package-meta/packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const failed = [];
for (const { pkg } of publicPackages(root)) {
  const result = spawnSync('npm', ['publish', '--dry-run', '--workspace', pkg.name, '--loglevel=warn'], { cwd: root, encoding: 'utf8' });
  // npm warns that a dry run is not logged in; that is expected here and not a failure.
  const ok = result.status === 0 && result.stdout.includes(`+ ${pkg.name}@${pkg.version}`);
  console.log(`[publish --dry-run] ${ok ? 'ok  ' : 'FAIL'} ${pkg.name}@${pkg.version}`);
  if (!ok) {
    failed.push(pkg.name);
    process.stderr.write(result.stdout + result.stderr);
  }
}
if (failed.length) {
  console.error(`[publish --dry-run] would not publish: ${failed.join(', ')}`);
  process.exit(1);
}
