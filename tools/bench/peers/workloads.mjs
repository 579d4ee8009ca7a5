// The same workloads written for each tool, plus the commands that plan, run and list them.
//
// Trivial workload: N jobs, job i writes `out/<i>.txt` ("job <i>\n").
//   fan:   N independent jobs (peers need one target that asks for all of them).
//   chain: job i depends on job i-1.
// Each tool gets its idiomatic, cheapest way to write a file:
//   Snakemake: one wildcard rule with `shell: echo` (a `run:` block costs one Python
//              subprocess per job in Snakemake 9, ~100x slower here).
//   Luigi:     one Task class with an IntParameter, LocalTarget output, local scheduler.
//   Prefect:   one @task, cache_policy INPUTS+TASK_SOURCE with persisted results so a rerun
//              is served from the cache; fan uses .submit() on the default thread pool.
//   DVC:       one stage per job in dvc.yaml (`echo ... > out/i.txt`, outs: out/i.txt).
//   aero:      one defineAction per job writing a `text` output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { venvBin } from './install.mjs';
import { repoRoot } from '../lib/report.mjs';

/** The workspace's CLI; the suites run a frozen copy of it instead (lib/aero-snapshot.mjs). */
export const aeroBin = join(repoRoot, 'packages', 'cli', 'dist', 'bin.js');

const PEER_ENV = {
  // No network calls home, no update checks, no colours.
  DO_NOT_TRACK: '1',
  DVC_NO_ANALYTICS: '1',
  PREFECT_SERVER_ANALYTICS_ENABLED: 'false',
  NO_COLOR: '1',
};

/** Prefect in local ephemeral mode: no server URL, its own home (DB + results) under the work dir. */
export function prefectEnv(home) {
  return {
    PREFECT_API_URL: undefined,
    PREFECT_SERVER_ALLOW_EPHEMERAL_MODE: 'true',
    // The default 20 s is not always enough for the temporary server to start on a busy 2-core machine.
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: '180',
    PREFECT_HOME: home,
    PREFECT_LOCAL_STORAGE_PATH: join(home, 'storage'),
    PREFECT_LOGGING_LEVEL: 'WARNING',
    PREFECT_LOGGING_TO_API_ENABLED: 'false',
    PREFECT_RESULTS_PERSIST_BY_DEFAULT: 'true',
  };
}

function write(dir, file, text) {
  mkdirSync(join(dir, file, '..'), { recursive: true });
  writeFileSync(join(dir, file), text);
}

/**
 * A step: `{ cmd, args, env?, cwd }`. Every tool returns `plan` (undefined when it has no
 * dry run), `run` (also used for the no-op rerun), and `outputs` (files a full run must leave).
 */
export const tools = {
  aero: {
    label: 'aero',
    hasPlan: true,
    setup(dir, { n, shape, jobs }) {
      const lines = [
        `import { defineAction, defineConfig } from '@aeroml/core';`,
        ``,
        `// ${n} trivial actions (${shape}): action i writes one small text file.`,
        `const N = ${n};`,
        `const actions = [];`,
        `for (let i = 0; i < N; i++) {`,
        `  const prev = ${shape === 'chain' ? 'i > 0 ? actions[i - 1] : undefined' : 'undefined'};`,
        `  actions.push(`,
        `    defineAction({`,
        `      name: \`job-\${i}\`,`,
        `      version: '1',`,
        `      inputs: prev ? { prev: prev.output('out') } : {},`,
        `      outputs: { out: { handler: 'text' } },`,
        `      async run({ outputs }) {`,
        `        await outputs.out.write(\`job \${i}\\n\`);`,
        `      },`,
        `    }),`,
        `  );`,
        `}`,
        ``,
        `export default defineConfig({ project: 'bench-${shape}-${n}', actions, concurrency: ${jobs} });`,
        ``,
      ];
      write(dir, 'aero.config.ts', lines.join('\n'));
      write(dir, 'package.json', `${JSON.stringify({ name: `bench-${shape}-${n}`, private: true, type: 'module' }, null, 2)}\n`);
    },
    plan: (dir, { jobs, bin = aeroBin }) => ({ cmd: process.execPath, args: [bin, 'run', '--dry-run', '-j', String(jobs)], cwd: dir }),
    run: (dir, { jobs, bin = aeroBin }) => ({ cmd: process.execPath, args: [bin, 'run', '-j', String(jobs)], cwd: dir }),
    outputs: undefined, // aero keeps outputs in its content-addressed store; success = exit code 0 + run record
  },

  snakemake: {
    label: 'Snakemake',
    hasPlan: true,
    setup(dir, { n, shape }) {
      const lines =
        shape === 'chain'
          ? [
              // Snakemake builds the DAG recursively: without this, a 1,000-job chain fails
              // with RecursionError (Python's default limit is 1,000 frames).
              `import sys`,
              `sys.setrecursionlimit(max(10000, 20 * ${n}))`,
              `N = ${n}`,
              `def prev(wc):`,
              `    i = int(wc.i)`,
              `    return [] if i == 0 else [f"out/{i-1}.txt"]`,
              `rule all:`,
              `    input: f"out/{N-1}.txt"`,
              `rule job:`,
              `    input: prev`,
              `    output: "out/{i}.txt"`,
              `    shell: "echo job {wildcards.i} > {output}"`,
            ]
          : [
              `N = ${n}`,
              `rule all:`,
              `    input: expand("out/{i}.txt", i=range(N))`,
              `rule job:`,
              `    output: "out/{i}.txt"`,
              `    shell: "echo job {wildcards.i} > {output}"`,
            ];
      write(dir, 'Snakefile', `${lines.join('\n')}\n`);
    },
    plan: (dir, { jobs }) => ({ cmd: venvBin('snakemake'), args: ['all', '--cores', String(jobs), '--dry-run', '--quiet', 'all'], cwd: dir, env: PEER_ENV }),
    run: (dir, { jobs }) => ({ cmd: venvBin('snakemake'), args: ['all', '--cores', String(jobs), '--quiet', 'all'], cwd: dir, env: PEER_ENV }),
    outputs: (n) => Array.from({ length: n }, (_, i) => `out/${i}.txt`),
  },

  luigi: {
    label: 'Luigi',
    hasPlan: false, // Luigi has no dry run: scheduling and running are one step.
    setup(dir, { n, shape, jobs }) {
      const lines = [
        `import sys, luigi`,
        `N = ${n}`,
        `CHAIN = ${shape === 'chain' ? 'True' : 'False'}`,
        `class Job(luigi.Task):`,
        `    i = luigi.IntParameter()`,
        `    def requires(self):`,
        `        return [Job(i=self.i - 1)] if CHAIN and self.i > 0 else []`,
        `    def output(self):`,
        `        return luigi.LocalTarget(f"out/{self.i}.txt")`,
        `    def run(self):`,
        `        with self.output().open("w") as f:`,
        `            f.write(f"job {self.i}\\n")`,
        `class All(luigi.WrapperTask):`,
        `    def requires(self):`,
        `        return [Job(i=N - 1)] if CHAIN else [Job(i=i) for i in range(N)]`,
        `if __name__ == "__main__":`,
        `    ok = luigi.build([All()], local_scheduler=True, workers=${jobs}, log_level="WARNING")`,
        `    sys.exit(0 if ok else 1)`,
      ];
      write(dir, 'pipeline.py', `${lines.join('\n')}\n`);
    },
    plan: undefined,
    run: (dir) => ({ cmd: venvBin('python'), args: ['pipeline.py'], cwd: dir, env: PEER_ENV }),
    outputs: (n) => Array.from({ length: n }, (_, i) => `out/${i}.txt`),
  },

  prefect: {
    label: 'Prefect',
    hasPlan: false, // Prefect has no dry run.
    setup(dir, { n, shape }) {
      const lines = [
        `import os, sys`,
        `from prefect import flow, task`,
        `from prefect.cache_policies import INPUTS, TASK_SOURCE`,
        `N = ${n}`,
        `@task(cache_policy=INPUTS + TASK_SOURCE, persist_result=True)`,
        `def job(i, prev=None):`,
        `    path = os.path.join("out", f"{i}.txt")`,
        `    with open(path, "w") as f:`,
        `        f.write(f"job {i}\\n")`,
        `    return path`,
        `@flow(name="bench-${shape}-${n}")`,
        `def pipeline():`,
        `    os.makedirs("out", exist_ok=True)`,
        shape === 'chain'
          ? `    prev = None\n    for i in range(N):\n        prev = job(i, prev)`
          : `    futures = [job.submit(i) for i in range(N)]\n    for f in futures:\n        f.result()`,
        `if __name__ == "__main__":`,
        `    pipeline()`,
      ];
      write(dir, 'pipeline.py', `${lines.join('\n')}\n`);
    },
    plan: undefined,
    run: (dir, { prefectHome }) => ({ cmd: venvBin('python'), args: ['pipeline.py'], cwd: dir, env: { ...PEER_ENV, ...prefectEnv(prefectHome) } }),
    outputs: (n) => Array.from({ length: n }, (_, i) => `out/${i}.txt`),
  },

  dvc: {
    label: 'DVC',
    hasPlan: true,
    init: true, // needs `dvc init --no-scm` before the first step
    setup(dir, { n, shape }) {
      const out = ['stages:'];
      for (let i = 0; i < n; i++) {
        out.push(`  j${i}:`, `    cmd: echo job ${i} > out/${i}.txt`);
        if (shape === 'chain' && i > 0) out.push(`    deps:`, `      - out/${i - 1}.txt`);
        out.push(`    outs:`, `      - out/${i}.txt`);
      }
      write(dir, 'dvc.yaml', `${out.join('\n')}\n`);
      mkdirSync(join(dir, 'out'), { recursive: true });
    },
    plan: (dir) => ({ cmd: venvBin('dvc'), args: ['repro', '--dry'], cwd: dir, env: PEER_ENV }),
    run: (dir) => ({ cmd: venvBin('dvc'), args: ['repro'], cwd: dir, env: PEER_ENV }),
    outputs: (n) => Array.from({ length: n }, (_, i) => `out/${i}.txt`),
  },
};

/** `dvc init --no-scm` with analytics and update checks off. */
export function dvcInitSteps(dir) {
  return [
    { cmd: venvBin('dvc'), args: ['init', '--no-scm', '--force'], cwd: dir, env: PEER_ENV },
    { cmd: venvBin('dvc'), args: ['config', 'core.analytics', 'false'], cwd: dir, env: PEER_ENV },
    { cmd: venvBin('dvc'), args: ['config', 'core.check_update', 'false'], cwd: dir, env: PEER_ENV },
  ];
}

export { PEER_ENV };
