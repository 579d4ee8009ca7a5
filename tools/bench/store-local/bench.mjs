#!/usr/bin/env node
// @aeroml/store-local hot paths (cache checks, blob writes, big files) vs raw node:fs doing the same work, same run.
//
//   node tools/bench/store-local/bench.mjs [--rounds 5] [--actions 10000] [--concurrency 32] [--big-mib 256] [--docs]
//
// Cases, each round in alternating order, on a fresh directory under tools/bench/.work:
//   check:  N cached actions checked = getBytes(cache/<key>.json) + hasMany([2 blobs]) each
//           baselines: raw sync fs (readFileSync + statSync: the floor) and raw async fs (fs/promises readFile + stat)
//   write:  N new 4 KiB blobs put(ifAbsent)        baseline: fs/promises writeFile (not atomic, not race-safe)
//   rewrite:N existing blobs put(ifAbsent) (a rerun) baseline: statSync
//   big:    one file putFile / getFile              baseline: fs/promises copyFile
// Wall time and CPU time (user + system of this process) are reported; on a busy shared
// machine CPU time is the steadier figure. --docs also updates docs/benchmarks.md.
import { constants, mkdirSync, readFileSync, readFileSync as rfs, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchDir, describeMachine, machineMarkdown, markdownTable, median, parseArgs, repoRoot, writeDocsSection, writeResults, formatMs } from '../lib/report.mjs';

const opts = parseArgs(process.argv.slice(2), { rounds: 5, actions: 10_000, concurrency: 32, bigMib: 256, docs: false, help: false });
if (opts.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 15).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const dist = join(repoRoot, 'plugins', 'store-local', 'dist', 'index.js');
if (!existsSync(dist)) {
  console.error(`${dist} is missing: build it first (cd plugins/store-local && npm run build)`);
  process.exit(1);
}
const { localStore } = await import(dist);
const work = join(benchDir, '.work', 'store-local');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const N = opts.actions;
const hex = (i, salt) => `${salt}${i.toString(16)}`.padStart(64, '0');
const cacheKeys = Array.from({ length: N }, (_, i) => `cache/${hex(i, 'c')}.json`);
const blobKeys = Array.from({ length: 2 * N }, (_, i) => { const h = hex(i, 'b'); return `objects/sha256/${h.slice(-2)}/${h}`; });
const entry = (i) => JSON.stringify({ schema: 1, cacheKey: hex(i, 'c'), outputs: { model: hex(2 * i, 'b'), metrics: hex(2 * i + 1, 'b') }, createdAt: '2026-11-22T00:00:00.000Z' });

async function mapLimit(count, limit, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) await fn(next++);
  }));
}

/** Runs fn once, returns wall and CPU milliseconds. */
async function time(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000 };
}

// A store with N cache entries and 2N blobs, written once, used by the check cases.
const seeded = join(work, 'seeded');
{
  const store = localStore({ dir: seeded });
  await mapLimit(N, opts.concurrency, async (i) => {
    await store.put(cacheKeys[i], entry(i));
    await store.put(blobKeys[2 * i], `blob ${2 * i}`, { ifAbsent: true });
    await store.put(blobKeys[2 * i + 1], `blob ${2 * i + 1}`, { ifAbsent: true });
  });
}

const cases = {
  check: {
    label: `check ${N} cached actions (getBytes + hasMany of 2 blobs)`,
    aero: async () => {
      const store = localStore({ dir: seeded });
      let hits = 0;
      await mapLimit(N, opts.concurrency, async (i) => {
        const bytes = await store.getBytes(cacheKeys[i]);
        const parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
        const present = await store.hasMany([`objects/sha256/${parsed.outputs.model.slice(-2)}/${parsed.outputs.model}`, `objects/sha256/${parsed.outputs.metrics.slice(-2)}/${parsed.outputs.metrics}`]);
        if (present[0] && present[1]) hits++;
      });
      if (hits !== N) throw new Error(`aero check: ${hits} hits, expected ${N}`);
    },
    baselines: {
      'raw sync fs': async () => {
        let hits = 0;
        await mapLimit(N, opts.concurrency, async (i) => {
          const parsed = JSON.parse(rfs(`${seeded}/${cacheKeys[i]}`, 'utf8'));
          const a = statSync(`${seeded}/objects/sha256/${parsed.outputs.model.slice(-2)}/${parsed.outputs.model}`, { throwIfNoEntry: false });
          const b = statSync(`${seeded}/objects/sha256/${parsed.outputs.metrics.slice(-2)}/${parsed.outputs.metrics}`, { throwIfNoEntry: false });
          if (a && b) hits++;
        });
        if (hits !== N) throw new Error(`sync check: ${hits} hits`);
      },
      'raw async fs': async () => {
        let hits = 0;
        await mapLimit(N, opts.concurrency, async (i) => {
          const parsed = JSON.parse(await readFile(`${seeded}/${cacheKeys[i]}`, 'utf8'));
          const [a, b] = await Promise.all([
            stat(`${seeded}/objects/sha256/${parsed.outputs.model.slice(-2)}/${parsed.outputs.model}`).catch(() => null),
            stat(`${seeded}/objects/sha256/${parsed.outputs.metrics.slice(-2)}/${parsed.outputs.metrics}`).catch(() => null),
          ]);
          if (a && b) hits++;
        });
        if (hits !== N) throw new Error(`async check: ${hits} hits`);
      },
    },
  },
  write: {
    label: `put ${N} new 4 KiB blobs (ifAbsent)`,
    setup: (round, who) => join(work, `write-${who}-${round}`),
    aero: async (dir) => {
      const store = localStore({ dir });
      const body = Buffer.alloc(4096, 7);
      await mapLimit(N, opts.concurrency, async (i) => {
        if (!(await store.put(blobKeys[i], body, { ifAbsent: true })).written) throw new Error('not written');
      });
    },
    baselines: {
      'raw writeFile (not atomic)': async (dir) => {
        const body = Buffer.alloc(4096, 7);
        const made = new Set();
        await mapLimit(N, opts.concurrency, async (i) => {
          const path = `${dir}/${blobKeys[i]}`;
          const parent = path.slice(0, path.lastIndexOf('/'));
          if (!made.has(parent)) (mkdirSync(parent, { recursive: true }), made.add(parent));
          await writeFile(path, body, { flag: 'wx' });
        });
      },
    },
  },
  rewrite: {
    label: `put ${N} existing blobs again (ifAbsent, a rerun)`,
    aero: async () => {
      const store = localStore({ dir: seeded });
      await mapLimit(N, opts.concurrency, async (i) => {
        if ((await store.put(blobKeys[i], 'x', { ifAbsent: true })).written) throw new Error('overwrote');
      });
    },
    baselines: {
      'raw statSync': async () => {
        await mapLimit(N, opts.concurrency, async (i) => {
          if (!statSync(`${seeded}/${blobKeys[i]}`, { throwIfNoEntry: false })) throw new Error('missing');
        });
      },
    },
  },
  big: {
    label: `putFile + getFile of ${opts.bigMib} MiB`,
    setup: (round, who) => join(work, `big-${who}-${round}`),
    aero: async (dir) => {
      const store = localStore({ dir: join(dir, 'store') });
      await store.putFile('objects/sha256/ff/big', bigFile);
      if (!(await store.getFile('objects/sha256/ff/big', join(dir, 'out.bin')))) throw new Error('getFile');
    },
    baselines: {
      'raw copyFile ×2': async (dir) => {
        mkdirSync(join(dir, 'store'), { recursive: true });
        await copyFile(bigFile, join(dir, 'store', 'big'), constants.COPYFILE_FICLONE);
        await copyFile(join(dir, 'store', 'big'), join(dir, 'out.bin'), constants.COPYFILE_FICLONE);
      },
    },
  },
};

const bigFile = join(work, 'big-source.bin');
{
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 131) & 0xff;
  writeFileSync(bigFile, Buffer.concat(Array.from({ length: opts.bigMib }, () => chunk)));
}

const samples = {};
for (let round = 0; round < opts.rounds; round++) {
  for (const [name, c] of Object.entries(cases)) {
    const runners = [['aero', c.aero], ...Object.entries(c.baselines)];
    if (round % 2 === 1) runners.reverse();
    for (const [who, fn] of runners) {
      const dir = c.setup ? c.setup(round, who.replace(/\W+/g, '-')) : undefined;
      process.stderr.write(`[store-local bench] round ${round + 1}/${opts.rounds} ${name}: ${who}\n`);
      const t = await time(() => fn(dir));
      ((samples[name] ??= {})[who] ??= []).push(t);
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
}
rmSync(work, { recursive: true, force: true });

const summary = [];
const rows = [];
for (const [name, c] of Object.entries(cases)) {
  const aeroWall = median(samples[name].aero.map((t) => t.ms));
  const aeroCpu = median(samples[name].aero.map((t) => t.cpuMs));
  for (const who of Object.keys(c.baselines)) {
    const wall = median(samples[name][who].map((t) => t.ms));
    const cpu = median(samples[name][who].map((t) => t.cpuMs));
    summary.push({ case: name, label: c.label, baseline: who, aeroMs: aeroWall, aeroCpuMs: aeroCpu, baselineMs: wall, baselineCpuMs: cpu, ratioWall: aeroWall / wall, ratioCpu: aeroCpu / cpu, samples: { aero: samples[name].aero, baseline: samples[name][who] } });
    rows.push([c.label, `${formatMs(aeroWall)} (cpu ${formatMs(aeroCpu)})`, who, `${formatMs(wall)} (cpu ${formatMs(cpu)})`, (aeroWall / wall).toFixed(2), (aeroCpu / cpu).toFixed(2)]);
  }
}
const table = markdownTable(['case', 'aero (median)', 'baseline', 'baseline (median)', 'ratio wall', 'ratio cpu'], rows);
const machine = describeMachine({ rounds: opts.rounds, actions: N, concurrency: opts.concurrency });
const text = `### Local store (@aeroml/store-local)\n\nMedians of ${opts.rounds} rounds; lower is better; ratio = aero / baseline. Target: ${N} cached actions checked well under 1 s.\n\n${table}\n\n${machineMarkdown(machine)}\n`;
console.log(text);
const file = writeResults('store-local', { suite: 'store-local', options: opts, machine, summary });
if (opts.docs) writeDocsSection('store-local', `${text}\nCommand: \`node tools/bench/store-local/bench.mjs\` (results in tools/bench/results/store-local.json).`);
process.stderr.write(`[store-local bench] wrote ${file}\n`);
