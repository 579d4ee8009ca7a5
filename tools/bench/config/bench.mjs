#!/usr/bin/env node
// @aeroml/config-yaml: composing a 200-file, ~1,000-key Hydra-style config vs plain yaml.parse of the same files, same run.
//
//   node tools/bench/config/bench.mjs [--rounds 30] [--warmup 3] [--groups 50] [--nested 3] [--keys 5] [--docs]
//
// Generates conf/ with `groups` top-level config groups (2 options each, one selected
// by the primary config); each selected option lists `nested` nested groups
// (`gNN/sK`), so composition reads 1 + groups × (1 + nested) files (201 by default),
// each with `keys` keys (one of them an interpolation in nested files), plus two
// command-line overrides. Each round (in alternating order):
//   aero:     a fresh yamlConfig().load(): defaults list, merge, overrides, interpolation, origins
//   baseline: readFileSync + yaml.parse of exactly the files aero used
//   aero warm: load() again on the same loader (the next run of a sweep: parsed files are
//              reused while their mtime and size are unchanged; composition is redone)
// Prints medians and the ratio aero/baseline; writes tools/bench/results/config.json.
// --docs also updates the config section of docs/benchmarks.md.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchDir, describeMachine, formatMs, formatRatio, machineMarkdown, markdownTable, median, parseArgs, repoRoot, writeDocsSection, writeResults } from '../lib/report.mjs';

const opts = parseArgs(process.argv.slice(2), { rounds: 30, warmup: 3, groups: 50, nested: 3, keys: 5, docs: false, help: false });
if (opts.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 17).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

const pluginDir = join(repoRoot, 'plugins', 'config-yaml');
const dist = join(pluginDir, 'dist', 'index.js');
if (!existsSync(dist)) {
  console.error(`${dist} is missing: build it first (cd plugins/config-yaml && npm run build)`);
  process.exit(1);
}
const { yamlConfig } = await import(dist);
const YAML = await import(createRequire(join(pluginDir, 'package.json')).resolve('yaml'));

// --- the config tree ------------------------------------------------------------------------
const work = join(benchDir, '.work', 'config');
rmSync(work, { recursive: true, force: true });
const conf = join(work, 'conf');
const write = (rel, text) => {
  mkdirSync(join(conf, rel, '..'), { recursive: true });
  writeFileSync(join(conf, rel), text);
};
const pad = (n) => String(n).padStart(2, '0');
const primary = ['defaults:'];
for (let g = 0; g < opts.groups; g++) {
  const group = `g${pad(g)}`;
  primary.push(`  - ${group}: a`);
  for (const option of ['a', 'b']) {
    const lines = [];
    if (option === 'a') {
      lines.push('defaults:');
      for (let s = 0; s < opts.nested; s++) lines.push(`  - s${s}: x`);
    }
    for (let k = 0; k < opts.keys; k++) lines.push(`k${k}: ${k % 2 ? `value-${option}-${k}` : k * 1.5}`);
    write(`${group}/${option}.yaml`, `${lines.join('\n')}\n`);
  }
  for (let s = 0; s < opts.nested; s++) {
    const lines = [`ref: \${${group}.k0}`];
    for (let k = 1; k < opts.keys; k++) lines.push(`k${k}: ${k % 2 ? `[${k}, ${k + 1}]` : `nested-${k}`}`);
    write(`${group}/s${s}/x.yaml`, `${lines.join('\n')}\n`);
  }
}
primary.push('  - _self_', 'seed: 1', 'name: bench-${seed}');
write('config.yaml', `${primary.join('\n')}\n`);
const overrides = ['g00.k0=42', '+g01.extra=true'];

const loader = () => yamlConfig().load({ cwd: work, overrides, base: {} });
const warmLoader = yamlConfig();
const warm = () => warmLoader.load({ cwd: work, overrides, base: {} });
const first = await loader();
const files = first.sources.map((s) => join(work, s.file));
const countLeaves = (node) => (node && typeof node === 'object' && !Array.isArray(node) ? Object.values(node).reduce((n, v) => n + countLeaves(v), 0) : 1);
const keys = countLeaves(first.params);
if (first.params.g00.s0.ref !== 42) throw new Error('bench config did not compose as expected');

// --- measure ---------------------------------------------------------------------------------
const baseline = () => {
  let n = 0;
  for (const file of files) n += Object.keys(YAML.parse(readFileSync(file, 'utf8')) ?? {}).length;
  return n;
};
const time = async (fn) => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};
for (let i = 0; i < opts.warmup; i++) {
  await loader();
  await warm();
  baseline();
}
const fns = { aero: loader, warm, baseline };
const samples = { aero: [], warm: [], baseline: [] };
for (let round = 0; round < opts.rounds; round++) {
  const order = round % 2 ? ['baseline', 'warm', 'aero'] : ['aero', 'warm', 'baseline'];
  for (const which of order) samples[which].push(await time(fns[which]));
}
const aeroMs = median(samples.aero);
const warmMs = median(samples.warm);
const baseMs = median(samples.baseline);

const header = ['case', 'files', 'keys', 'median', 'ratio vs baseline'];
const rows = [
  ['aero: yamlConfig().load() (compose + overrides + interpolation + origins)', files.length, keys, formatMs(aeroMs), formatRatio(aeroMs, baseMs)],
  ['aero warm: the same loader again (next run of a sweep)', files.length, keys, formatMs(warmMs), formatRatio(warmMs, baseMs)],
  ['baseline: readFileSync + yaml.parse of the same files', files.length, '–', formatMs(baseMs), '1.00'],
];
const table = markdownTable(header, rows);
const machine = describeMachine();
console.log(`\n### config: composing ${files.length} YAML files (${keys} keys), ${opts.rounds} rounds\n\n${table}\n\ntarget: < 100 ms → ${aeroMs < 100 ? 'met' : 'NOT met'}\n`);
const resultFile = writeResults('config', {
  suite: 'config',
  options: opts,
  files: files.length,
  keys,
  medianMs: { aero: aeroMs, warm: warmMs, baseline: baseMs },
  ratio: aeroMs / baseMs,
  samplesMs: samples,
  machine,
});
console.log(`results: ${resultFile}`);
if (opts.docs) {
  const docs = writeDocsSection(
    'config',
    `## config (Hydra-style YAML composition)\n\n\`node tools/bench/config/bench.mjs\`: ${files.length} files, ${keys} keys, median of ${opts.rounds} rounds.\n\n${table}\n\n${machineMarkdown(machine)}`,
  );
  console.log(`docs: ${docs}`);
}
rmSync(work, { recursive: true, force: true });
