#!/usr/bin/env node
// The bench harness: `npm run bench -- <suite> [options]` runs tools/bench/<suite>/bench.mjs.
// With no suite it lists the suites (a suite is any folder here with a bench.mjs).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const suites = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(here, d.name, 'bench.mjs')))
  .map((d) => d.name)
  .sort();

/** First comment line of a suite's bench.mjs, as its one-line description. */
function describe(suite) {
  const lines = readFileSync(join(here, suite, 'bench.mjs'), 'utf8').split('\n');
  const line = lines.find((l) => l.startsWith('//') && !l.startsWith('#!'));
  return line ? line.replace(/^\/\/\s*/, '') : '';
}

const [suite, ...rest] = process.argv.slice(2);
if (!suite || suite === '--help' || suite === '-h' || suite === '--list') {
  const width = Math.max(...suites.map((s) => s.length), 4);
  process.stdout.write(
    `usage: npm run bench -- <suite> [options]   (or: node tools/bench/<suite>/bench.mjs [options])\n\nsuites:\n${suites
      .map((s) => `  ${s.padEnd(width)}  ${describe(s)}`)
      .join('\n')}\n\nEach suite prints a Markdown table of medians, writes tools/bench/results/<suite>.json\nand (most) update their section of docs/benchmarks.md. Pass --help to a suite for its options.\n`,
  );
  process.exit(0);
}
if (!suites.includes(suite)) {
  process.stderr.write(`unknown bench suite "${suite}"; known: ${suites.join(', ')}\n`);
  process.exit(2);
}
const child = spawn(process.execPath, [join(here, suite, 'bench.mjs'), ...rest], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('close', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
