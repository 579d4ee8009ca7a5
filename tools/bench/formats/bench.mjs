#!/usr/bin/env node
// NPY and FITS throughput for a big float32 array: @aeroml/handler-npy and @aeroml/handler-fits vs numpy (np.save/np.load) and astropy (fits.writeto/fits.getdata), same run.
//
//   node tools/bench/formats/bench.mjs [--rounds 3] [--mib 512] [--docs]
//   npm run bench -- formats [--rounds 3] [--mib 512] [--docs]
//
// Each round, in alternating order, aero (in this Node process, from the packages' dist/) and
// numpy/astropy (one /usr/bin/python3 process, Debian numpy 1.24 / astropy 5.2, started by
// tools/pyref/start.sh) write the same float32 array of --mib MiB to a file and read it back:
//   npy:  writeNpy / readNpy            vs  np.save / np.load
//   fits: writeFits / readFits          vs  fits.writeto / fits.getdata(memmap=False)
// Only the call itself is timed (no interpreter start, no array creation). Files live in
// tools/bench/.work/formats (page cache warm for both; nothing is fsynced by either side).
// Prints medians in MB/s (10^6 bytes per second) and aero ÷ baseline; writes
// tools/bench/results/formats.json; --docs also updates its section of docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchDir, describeMachine, machineMarkdown, markdownTable, median, parseArgs, repoRoot, writeDocsSection, writeResults } from '../lib/report.mjs';

const opts = parseArgs(process.argv.slice(2), { rounds: 3, mib: 512, docs: false, help: false });
if (opts.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 15).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

// --- the reference interpreter and the code under test --------------------------------------
execFileSync('bash', [join(repoRoot, 'tools', 'pyref', 'start.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
const pyenv = Object.fromEntries(
  readFileSync(join(repoRoot, '.tools', 'pyref.env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const python = pyenv.AERO_PYTHON;
const dists = {
  npy: join(repoRoot, 'plugins', 'handler-npy', 'dist', 'index.js'),
  fits: join(repoRoot, 'plugins', 'handler-fits', 'dist', 'index.js'),
};
for (const [name, file] of Object.entries(dists)) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: build it first (cd plugins/handler-${name} && npm run build)`);
    process.exit(1);
  }
}
const { ndarray, readNpy, writeNpy } = await import(dists.npy);
const { fitsImage, readFits, writeFits } = await import(dists.fits);

const bytes = opts.mib * 1024 * 1024;
const n = bytes / 4;
const work = join(benchDir, '.work', 'formats');
await mkdir(work, { recursive: true });

// The same values numpy creates: (i * 0.5) % 1000 in float32.
const data = new Float32Array(n);
for (let i = 0; i < n; i++) data[i] = Math.fround(Math.fround(i * 0.5) % 1000);
const array = ndarray('float32', [n], data);
const image = fitsImage(data, [n]);

async function timed(fn) {
  globalThis.gc?.();
  const start = performance.now();
  const result = await fn();
  return { seconds: (performance.now() - start) / 1000, result };
}

function check(got, what) {
  if (got.length !== n || got[1] !== data[1] || got[n - 1] !== data[n - 1]) throw new Error(`${what} read back wrong values`);
}

async function aeroRound() {
  const npyFile = join(work, 'aero.npy');
  const fitsFile = join(work, 'aero.fits');
  const out = {};
  out.npyWrite = (await timed(() => writeNpy(npyFile, array))).seconds;
  let r = await timed(() => readNpy(npyFile));
  out.npyRead = r.seconds;
  check(r.result.data, 'npy');
  r = undefined;
  out.fitsWrite = (await timed(() => writeFits(fitsFile, image))).seconds;
  r = await timed(() => readFits(fitsFile));
  out.fitsRead = r.seconds;
  check(r.result.data, 'fits');
  r = undefined;
  await rm(npyFile, { force: true });
  await rm(fitsFile, { force: true });
  return out;
}

function pythonRound() {
  const stdout = execFileSync(python, [join(benchDir, 'formats', 'ops.py'), work, String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

const OPS = [
  { key: 'npyWrite', label: 'NPY write', baseline: 'np.save' },
  { key: 'npyRead', label: 'NPY read', baseline: 'np.load' },
  { key: 'fitsWrite', label: 'FITS write', baseline: 'fits.writeto' },
  { key: 'fitsRead', label: 'FITS read', baseline: 'fits.getdata(memmap=False)' },
];

const machine = describeMachine({ numpy: pyenv.AERO_PYREF_NUMPY, astropy: pyenv.AERO_PYREF_ASTROPY, python });
const rounds = [];
for (let round = 0; round < opts.rounds; round++) {
  const aeroFirst = round % 2 === 0;
  const r = {};
  if (aeroFirst) {
    r.aero = await aeroRound();
    r.baseline = pythonRound();
  } else {
    r.baseline = pythonRound();
    r.aero = await aeroRound();
  }
  rounds.push(r);
  process.stderr.write(`round ${round + 1}/${opts.rounds} done (${aeroFirst ? 'aero' : 'baseline'} first)\n`);
}
await rm(work, { recursive: true, force: true });

const mbps = (seconds) => (seconds ? bytes / 1e6 / seconds : undefined);
const summary = OPS.map((op) => {
  const aeroS = median(rounds.map((r) => r.aero[op.key]));
  const baseS = median(rounds.map((r) => r.baseline[op.key]));
  return { op: op.key, label: op.label, baseline: op.baseline, aeroSeconds: aeroS, baselineSeconds: baseS, aeroMBps: mbps(aeroS), baselineMBps: mbps(baseS), ratio: mbps(aeroS) / mbps(baseS) };
});
const table = markdownTable(
  [`${opts.mib} MiB float32`, 'aero MB/s', 'baseline', 'baseline MB/s', 'aero ÷ baseline'],
  summary.map((s) => [s.label, s.aeroMBps.toFixed(0), s.baseline, s.baselineMBps.toFixed(0), s.ratio.toFixed(2)]),
);
const astropyDtype = rounds[0]?.baseline.fitsReadDtype;
const text = `### File formats (NPY, FITS)\n\nMedians of ${opts.rounds} rounds, throughput (higher is better); aero ÷ baseline above 1 means aero is faster. ${
  astropyDtype === '>f4' ? 'astropy returns the FITS data big-endian (`>f4`) as stored, while aero converts to native byte order in place during the read.' : ''
}\n\n${table}\n\n${machineMarkdown(machine)}\n`;
console.log(text);
const file = writeResults('formats', { suite: 'formats', options: opts, machine, summary, rounds });
if (opts.docs) writeDocsSection('formats', `${text}\nCommand: \`node tools/bench/formats/bench.mjs\` (results in tools/bench/results/formats.json).`);
console.log(`results: ${file}`);
