#!/usr/bin/env node
// @aeroml/store-s3 throughput vs plain AWS SDK (lib-storage Upload / GetObject) on the same local MinIO, same run.
//
//   node tools/bench/s3/bench.mjs [--rounds 3] [--big-mib 1024] [--small-count 10000] [--small-kib 4] [--concurrency 64]
//
// Each round, in alternating order, moves the same data both ways:
//   big:   one file  — aero putFile/getFile  vs  lib-storage Upload(fs stream) / GetObject → file
//   small: N files   — aero putFile/getFile  vs  lib-storage Upload(fs stream) / GetObject → file,
//                      all N started at once (the store bounds them) vs the same number in flight
// Each case runs aero and the baseline back to back, so a pair shares the machine's load.
// aero runs as configured by default except for a fresh, empty blob cache per round (a cold
// read: every byte crosses the network, and is still verified and cached). The baseline uses
// the same part size and parts in flight as aero picks, so the ratio shows aero's own cost
// (hashing, verification, cache, retries), not a tuning difference.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, open, rm, stat, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { benchDir, describeMachine, markdownTable, median, parseArgs, repoRoot, writeDocsSection, writeResults, machineMarkdown } from '../lib/report.mjs';

const opts = parseArgs(process.argv.slice(2), { rounds: 3, bigMib: 1024, smallCount: 10_000, smallKib: 4, concurrency: 64, docs: true, help: false });
if (opts.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 13).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const MiB = 1024 * 1024;

// --- the server and the code under test ---------------------------------------------------
execFileSync('bash', [join(repoRoot, 'tools', 's3', 'start.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
const env = Object.fromEntries(
  readFileSync(join(repoRoot, '.tools', 's3.env'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const dist = join(repoRoot, 'plugins', 'store-s3', 'dist', 'index.js');
if (!existsSync(dist)) {
  console.error(`${dist} is missing: build it first (cd plugins/store-s3 && npm run build)`);
  process.exit(1);
}
const { s3Store, choosePartSize } = await import(dist);
const { S3Client, GetObjectCommand, ListObjectsV2Command, DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
const { Upload } = await import('@aws-sdk/lib-storage');
const http = await import('node:http');

const credentials = { accessKeyId: env.AERO_S3_ACCESS_KEY_ID, secretAccessKey: env.AERO_S3_SECRET_ACCESS_KEY };
const bucket = env.AERO_S3_BUCKET;
const work = join(benchDir, '.work', 's3');
await mkdir(work, { recursive: true });

// The baseline client: same endpoint, same socket pool size, checksums as aero sets them for custom endpoints.
const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency * 2 });
const plain = new S3Client({
  endpoint: env.AERO_S3_ENDPOINT,
  region: env.AERO_S3_REGION,
  forcePathStyle: true,
  credentials,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  requestHandler: { httpAgent: agent },
});

async function mapLimit(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

async function clearPrefix(prefix) {
  for (;;) {
    const page = await plain.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 }));
    const keys = (page.Contents ?? []).map((c) => ({ Key: c.Key }));
    if (keys.length === 0) return;
    await plain.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
}

async function makeBigFile(file, size) {
  if (existsSync(file) && (await stat(file)).size === size) return;
  const fh = await open(file, 'w');
  const chunk = Buffer.allocUnsafe(8 * MiB);
  let x = 0x9e3779b9;
  for (let i = 0; i < chunk.length; i += 4) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    chunk.writeUInt32LE(x, i);
  }
  for (let written = 0, n = 0; written < size; n++) {
    const len = Math.min(chunk.length, size - written);
    chunk.writeUInt32LE(n, 0); // every 8 MiB block differs
    await fh.write(chunk, 0, len, written);
    written += len;
  }
  await fh.close();
}

async function sha256File(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: MiB })) hash.update(chunk);
  return hash.digest('hex');
}

const bigSize = opts.bigMib * MiB;
const bigFile = join(work, `big-${opts.bigMib}MiB.bin`);
process.stderr.write(`[s3 bench] preparing ${opts.bigMib} MiB file and ${opts.smallCount} × ${opts.smallKib} KiB values\n`);
await makeBigFile(bigFile, bigSize);
const bigHex = await sha256File(bigFile);
// Small files, written once, with their sha256 known up front (core hashes outputs anyway).
const smallDir = join(work, `small-${opts.smallCount}x${opts.smallKib}KiB`);
await mkdir(smallDir, { recursive: true });
const smallFiles = [];
for (let i = 0; i < opts.smallCount; i++) {
  const path = join(smallDir, `${i}.bin`);
  const b = Buffer.alloc(opts.smallKib * 1024, i % 251);
  b.write(`file ${i} `);
  if (!existsSync(path)) await writeFile(path, b);
  smallFiles.push({ path, sha256: createHash('sha256').update(b).digest('hex') });
}
const outDir = join(work, 'small-out');
const partSize = choosePartSize(bigSize);

const time = async (fn) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

const results = { aero: { bigUp: [], bigDown: [], smallUp: [], smallDown: [] }, plain: { bigUp: [], bigDown: [], smallUp: [], smallDown: [] } };

async function checkSmallOut(who) {
  let total = 0;
  for (let i = 0; i < smallFiles.length; i += 97) total += (await stat(join(outDir, `${i}.bin`))).size;
  if (total !== Math.ceil(smallFiles.length / 97) * opts.smallKib * 1024) throw new Error(`${who}: small files have the wrong size`);
}

/** aero's side of one round: a fresh prefix and a fresh, empty blob cache. */
async function aeroSide(round) {
  const prefix = `bench/aero-${Date.now().toString(36)}-${round}`;
  const cacheDir = join(work, `cache-${round}`);
  await rm(cacheDir, { recursive: true, force: true });
  const store = s3Store({ bucket, endpoint: env.AERO_S3_ENDPOINT, region: env.AERO_S3_REGION, credentials, prefix, cacheDir, maxConcurrentRequests: opts.concurrency });
  await store.has('warm-up'); // the first request checks the bucket; not part of any transfer
  const blobKey = `objects/sha256/${bigHex.slice(0, 2)}/${bigHex}`;
  const keyOf = (f) => `objects/sha256/${f.sha256.slice(0, 2)}/${f.sha256}`;
  const dest = join(work, 'aero-out.bin');
  return {
    bigUp: () => store.putFile(blobKey, bigFile, { ifAbsent: true, sha256: bigHex }),
    bigDown: async () => {
      await store.getFile(blobKey, dest);
      if ((await stat(dest)).size !== bigSize) throw new Error('aero getFile: wrong size');
    },
    smallUp: () => Promise.all(smallFiles.map((f) => store.putFile(keyOf(f), f.path, { ifAbsent: true, sha256: f.sha256 }))),
    smallDown: async () => {
      await Promise.all(smallFiles.map((f, i) => store.getFile(keyOf(f), join(outDir, `${i}.bin`))));
      await checkSmallOut('aero getFile');
    },
    cleanup: async () => {
      await store.close();
      await rm(cacheDir, { recursive: true, force: true });
      await rm(dest, { force: true });
      await clearPrefix(`${prefix}/`);
    },
  };
}

/** The baseline: the plain SDK, same server, same part size and parts in flight. */
async function plainSide(round) {
  const prefix = `bench/plain-${Date.now().toString(36)}-${round}`;
  const dest = join(work, 'plain-out.bin');
  return {
    bigUp: () => new Upload({ client: plain, params: { Bucket: bucket, Key: `${prefix}/big.bin`, Body: createReadStream(bigFile, { highWaterMark: MiB }) }, partSize, queueSize: 8 }).done(),
    bigDown: async () => {
      const out = await plain.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}/big.bin` }));
      await pipeline(out.Body, createWriteStream(dest));
      if ((await stat(dest)).size !== bigSize) throw new Error('plain GetObject: wrong size');
    },
    smallUp: () => mapLimit(smallFiles, opts.concurrency, (f, i) => new Upload({ client: plain, params: { Bucket: bucket, Key: `${prefix}/small/${i}.bin`, Body: createReadStream(f.path) } }).done()),
    smallDown: async () => {
      await mapLimit(smallFiles, opts.concurrency, async (_, i) => {
        const out = await plain.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}/small/${i}.bin` }));
        await pipeline(out.Body, createWriteStream(join(outDir, `${i}.bin`)));
      });
      await checkSmallOut('plain GetObject');
    },
    cleanup: async () => {
      await rm(dest, { force: true });
      await clearPrefix(`${prefix}/`);
    },
  };
}

// Each case runs aero and the baseline back to back (order alternating by round), so the
// two numbers of a pair see the same machine load; the table also gives the median of the
// per-pair ratios.
const pairRatios = { bigUp: [], bigDown: [], smallUp: [], smallDown: [] };
for (let round = 0; round < opts.rounds; round++) {
  const sides = { aero: await aeroSide(round), plain: await plainSide(round) };
  const order = round % 2 === 0 ? ['aero', 'plain'] : ['plain', 'aero'];
  for (const c of ['bigUp', 'bigDown', 'smallUp', 'smallDown']) {
    const ms = {};
    for (const who of order) {
      process.stderr.write(`[s3 bench] round ${round + 1}/${opts.rounds} ${c}: ${who}\n`);
      if (c === 'smallDown') {
        await rm(outDir, { recursive: true, force: true });
        await mkdir(outDir, { recursive: true });
      }
      ms[who] = await time(sides[who][c]);
      results[who][c].push(ms[who]);
    }
    pairRatios[c].push(ms.plain / ms.aero);
  }
  await sides.aero.cleanup();
  await sides.plain.cleanup();
}
plain.destroy();
agent.destroy();

const mbps = (ms) => bigSize / 1e6 / (ms / 1000);
const fps = (ms) => opts.smallCount / (ms / 1000);
const rows = [
  ['big', 'upload', `${opts.bigMib} MiB putFile vs Upload`, mbps, 'MB/s'],
  ['big', 'download', `${opts.bigMib} MiB getFile vs GetObject`, mbps, 'MB/s'],
  ['small', 'upload', `${opts.smallCount} × ${opts.smallKib} KiB putFile vs Upload`, fps, 'files/s'],
  ['small', 'download', `${opts.smallCount} × ${opts.smallKib} KiB getFile vs GetObject`, fps, 'files/s'],
];
const keyOf = (size, dir) => `${size}${dir === 'upload' ? 'Up' : 'Down'}`;
const summary = rows.map(([size, dir, label, rate, unit]) => {
  const k = keyOf(size, dir);
  const aeroMs = median(results.aero[k]);
  const plainMs = median(results.plain[k]);
  return { case: label, unit, aero: rate(aeroMs), plain: rate(plainMs), ratio: rate(aeroMs) / rate(plainMs), pairedRatio: median(pairRatios[k]), aeroMs, plainMs, samples: { aero: results.aero[k], plain: results.plain[k], pairedRatios: pairRatios[k] } };
});
const table = markdownTable(
  ['case', 'aero', 'plain SDK (baseline)', 'aero / baseline', 'median of paired ratios'],
  summary.map((s) => [s.case, `${s.aero.toFixed(0)} ${s.unit}`, `${s.plain.toFixed(0)} ${s.unit}`, `${(s.ratio * 100).toFixed(0)} %`, `${(s.pairedRatio * 100).toFixed(0)} %`]),
);
const machine = describeMachine({ server: env.AERO_S3_SERVER, partSize: `${partSize / MiB} MiB`, concurrency: opts.concurrency, rounds: opts.rounds });
const text = `### S3 store (MinIO on loopback)\n\nMedians of ${opts.rounds} rounds; throughput, higher is better; target: aero ≥ 90 % of the baseline.\n\n${table}\n\n${machineMarkdown(machine)}\n`;
console.log(text);
const file = writeResults('s3', { suite: 's3', options: opts, machine, summary });
if (opts.docs) writeDocsSection('s3', `${text}\nCommand: \`node tools/bench/s3/bench.mjs\` (results in tools/bench/results/s3.json).`);
process.stderr.write(`[s3 bench] wrote ${file}\n`);
