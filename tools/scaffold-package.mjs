#!/usr/bin/env node
// Creates the common shape of an aero package so every plugin looks alike:
//   node tools/scaffold-package.mjs plugins/store-s3 @aeroml/store-s3 "S3-compatible store for aero"
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

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
const pkg = {
  name,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  engines: { node: '>=20.19' },
  exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './package.json': './package.json' },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'README.md', 'CHANGELOG.md'],
  sideEffects: false,
  scripts: {
    build: 'tsup',
    typecheck: 'tsc --noEmit -p tsconfig.json',
    lint: 'publint --strict',
    test: 'vitest run',
  },
  ...(isPlugin ? { peerDependencies: { '@aeroml/core': '^0.1.0' }, devDependencies: { '@aeroml/core': '*', '@aeroml/test-utils': '*' } } : {}),
};
write('package.json', JSON.stringify(pkg, null, 2) + '\n');
write('tsconfig.json', JSON.stringify({ extends: `${up}tsconfig.base.json`, include: ['src', 'test', '*.ts'] }, null, 2) + '\n');
write('tsup.config.ts', `import { defineConfig } from 'tsup';\nimport { aeroTsup } from '${up}tsup.config.base';\n\nexport default defineConfig(aeroTsup());\n`);
write('vitest.config.ts', `import { defineConfig, mergeConfig } from 'vitest/config';\nimport base from '${up}vitest.config';\n\nexport default mergeConfig(base, defineConfig({}));\n`);
write('CHANGELOG.md', `# ${name}\n`);
write('src/index.ts', `export {};\n`);
console.log(`scaffolded ${name} in ${dir}`);
