// Data-heavy workload: 1,000 files, 2 GiB in all, to be hashed and tracked.
//
//   aero:        one action copying the source folder into a multi-file `bytes` output
//                (`aero run`: copy + sha256 of every file + store the blobs), then `aero run`
//                again (no-op: everything cached).
//   DVC repro:   the same as a DVC stage (`cmd: cp -r <src> data`, `outs: [data]`),
//                `dvc repro` then `dvc repro` again.
//   DVC add:     the files already in place (copied before the clock starts), `dvc add data`
//                (md5 of every file + copy into .dvc/cache), then `dvc add data` again.
//   sha256sum:   baseline, `sha256sum` of every source file (one process, page cache warm).
import { randomFillSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../lib/measure.mjs';
import { formatKb, formatMs } from '../lib/report.mjs';
import { aeroBin, dvcInitSteps, PEER_ENV } from './workloads.mjs';
import { venvBin } from './install.mjs';
import { latestAeroRun } from './trivial.mjs';
import { measureStep, newMetric } from './metrics.mjs';

/** Writes `files` random files of `mib`/`files` MiB each under `src` (kept between runs). */
export function ensureSource(src, { files, totalMib, log }) {
  const stamp = join(src, '.complete.json');
  const want = JSON.stringify({ files, totalMib });
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  rmSync(src, { recursive: true, force: true });
  mkdirSync(join(src, 'files'), { recursive: true });
  const size = Math.floor((totalMib * 1024 * 1024) / files);
  log(`  generating ${files} files × ${(size / 2 ** 20).toFixed(2)} MiB in ${src}`);
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < files; i++) {
    randomFillSync(buf);
    const sub = join(src, 'files', String(i % 10));
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `part-${String(i).padStart(5, '0')}.bin`), buf);
  }
  writeFileSync(stamp, want);
}

function dvcFileCount(file) {
  if (!existsSync(file)) return 0;
  return Number(/nfiles:\s*(\d+)/.exec(readFileSync(file, 'utf8'))?.[1] ?? 0);
}

function artifactFileCount(dir) {
  const root = join(dir, '.aero', 'artifacts');
  if (!existsSync(root)) return 0;
  let best = 0;
  for (const name of readdirSync(root, { recursive: true })) {
    if (!String(name).endsWith('.json')) continue;
    try {
      const m = JSON.parse(readFileSync(join(root, String(name)), 'utf8'));
      best = Math.max(best, Array.isArray(m.files) ? m.files.length : 0);
    } catch { /* not a manifest */ }
  }
  return best;
}

export const dataTools = {
  aero: {
    label: 'aero run',
    setup(dir, { files }) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-data', private: true, type: 'module' })}\n`);
      writeFileSync(
        join(dir, 'aero.config.ts'),
        [
          `import { cp } from 'node:fs/promises';`,
          `import { join } from 'node:path';`,
          `import { defineAction, defineConfig } from '@aeroml/core';`,
          ``,
          `// Copies ${files} source files into one multi-file artifact: aero hashes and stores them.`,
          `const data = defineAction({`,
          `  name: 'data',`,
          `  version: '1',`,
          `  outputs: { data: { handler: 'bytes' } },`,
          `  async run({ outputs }) {`,
          `    await cp(join(process.env.AERO_BENCH_SRC!, 'files'), outputs.data.dir, { recursive: true });`,
          `  },`,
          `});`,
          ``,
          `export default defineConfig({ project: 'bench-data', actions: [data] });`,
          ``,
        ].join('\n'),
      );
    },
    run: (dir, { src, jobs, bin = aeroBin }) => ({ cmd: process.execPath, args: [bin, 'run', '-j', String(jobs)], cwd: dir, env: { AERO_BENCH_SRC: src } }),
    verify: (dir, step, { files }) => () => {
      const record = latestAeroRun(dir);
      const want = step === 'run' ? 'ran' : 'cached';
      if (!record || record.status !== 'succeeded' || record.counts?.[want] !== 1) return `expected one ${want} action, got ${JSON.stringify(record?.counts)} (${record?.status})`;
      const count = artifactFileCount(dir);
      return count === files ? undefined : `artifact manifest lists ${count} files, expected ${files}`;
    },
  },
  'dvc-repro': {
    label: 'DVC repro',
    async setup(dir, { src }) {
      mkdirSync(dir, { recursive: true });
      for (const s of dvcInitSteps(dir)) await run(s.cmd, s.args, s);
      writeFileSync(join(dir, 'dvc.yaml'), `stages:\n  copy:\n    cmd: cp -r ${join(src, 'files')} data\n    outs:\n      - data\n`);
    },
    run: (dir) => ({ cmd: venvBin('dvc'), args: ['repro'], cwd: dir, env: PEER_ENV }),
    verify: (dir, _step, { files }) => () => {
      const n = dvcFileCount(join(dir, 'dvc.lock'));
      return n === files ? undefined : `dvc.lock records ${n} files, expected ${files}`;
    },
  },
  'dvc-add': {
    label: 'DVC add',
    async setup(dir, { src }) {
      mkdirSync(dir, { recursive: true });
      for (const s of dvcInitSteps(dir)) await run(s.cmd, s.args, s);
      await run('cp', ['-r', join(src, 'files'), join(dir, 'data')]);
    },
    run: (dir) => ({ cmd: venvBin('dvc'), args: ['add', 'data'], cwd: dir, env: PEER_ENV }),
    verify: (dir, _step, { files }) => () => {
      const n = dvcFileCount(join(dir, 'data.dvc'));
      return n === files ? undefined : `data.dvc records ${n} files, expected ${files}`;
    },
  },
  sha256sum: {
    label: 'sha256sum (baseline)',
    baseline: true,
    setup() {},
    run: (_dir, { src }) => ({ cmd: 'sh', args: ['-c', `find '${join(src, 'files')}' -type f -print0 | xargs -0 sha256sum > /dev/null`], cwd: src }),
    verify: () => undefined,
  },
};

export function newDataMetrics(tool) {
  const metrics = { run: newMetric(), noop: newMetric() };
  if (dataTools[tool].baseline) {
    metrics.noop.status = 'n/a';
    metrics.noop.note = 'baseline';
  }
  return metrics;
}

/** One round of one tool on the data workload, adding to `metrics`. */
export async function runDataRound({ tool, metrics, round, rounds, capMs, jobs, workDir, src, files, bin, log }) {
  const t = dataTools[tool];
  if (metrics.run.status !== 'ok') return metrics;
  const dir = join(workDir, `data-${tool}`);
  rmSync(dir, { recursive: true, force: true });
  const ctx = { src, files, jobs, bin };
  await t.setup(dir, ctx);
  for (const step of ['run', 'noop']) {
    const m = metrics[step];
    if (m.status !== 'ok') break;
    log(`  ${tool} data ${step} (round ${round + 1}/${rounds})`);
    const done = await measureStep(m, t.run(dir, ctx), { capMs, verify: t.verify(dir, step, ctx) });
    if (done) {
      log(`    → ${formatMs(m.ms.at(-1))} (CPU ${formatMs(m.cpuMs.at(-1))}), ${formatKb(m.rssKb.at(-1))}`);
      continue;
    }
    log(`    → ${m.status}: ${m.note}`);
    if (step === 'run' && metrics.noop.status === 'ok') {
      metrics.noop.status = 'n/a';
      metrics.noop.note = 'first run did not finish';
    }
    break;
  }
  rmSync(dir, { recursive: true, force: true });
  return metrics;
}
