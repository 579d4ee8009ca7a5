#!/usr/bin/env node
// Creates the common shape of an aero package so every plugin looks alike:
//   node tools/scaffold-package.mjs plugins/store-s3 @aeroml/store-s3 "S3-compatible store for aero"
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [dir, name, description = ''] = process.argv.slice(2);
if (!dir || !name) {
  console.error('usage: node tools/scaffold-package.mjs <dir> <@aeroml/name> [description]');
  process.exit(2);
}
const isPlugin = dir.startsWith('plugins/');
const depth = dir.split('/').length;
const up = '../'.repeat(depth);
mkdirSync(join(dir, 'src'), { recursive: true });
mkdirSync(join(dir, 'test'), { recursive: true });
const write = (file, text) => {
  const p = join(dir, file);
  if (!existsSync(p)) writeFileSync(p, text);
};
// The common fields only: tools/package-meta fills in (and later checks) the metadata every
// published package carries: dual exports, repository, homepage, LICENSE, peer ranges...
const pkg = {
  name,
  version: '0.1.0',
  description,
  type: 'module',
  scripts: {
    build: 'tsup',
    typecheck: 'tsc --noEmit -p tsconfig.json',
    test: 'vitest run',
  },
  ...(isPlugin ? { devDependencies: { '@aeroml/core': '*', '@aeroml/test-utils': '*' } } : {}),
};
write('package.json', JSON.stringify(pkg, null, 2) + '\n');
write('tsconfig.json', JSON.stringify({ extends: `${up}tsconfig.base.json`, include: ['src', 'test', '*.ts'] }, null, 2) + '\n');
write('tsup.config.ts', `import { defineConfig } from 'tsup';\nimport { aeroTsup } from '${up}tsup.config.base';\n\nexport default defineConfig(aeroTsup());\n`);
write('vitest.config.ts', `import { defineConfig, mergeConfig } from 'vitest/config';\nimport base from '${up}vitest.config';\n\nexport default mergeConfig(base, defineConfig({}));\n`);
write('CHANGELOG.md', `# ${name}\n`);
write('README.md', `# ${name}\n\n${description}\n\n## Install\n\n## Usage\n\n## Options\n\n## Errors\n\n## Compatibility\n`);
write('src/index.ts', `export {};\n`);
execFileSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'package-meta', 'meta.mjs'), '--fix'], { stdio: 'inherit' });
console.log(`scaffolded ${name} in ${dir}`);
