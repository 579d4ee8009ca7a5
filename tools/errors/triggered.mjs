#!/usr/bin/env node
// The "no declared code without a test" check. Run the tests with AERO_ERROR_TRACE=<dir>:
// every AeroError built (in test processes and the CLI processes they spawn) appends its
// code to a file there (packages/core/src/errors/trace.ts). Then:
//   node tools/errors/triggered.mjs <dir>   exit 1 listing declared codes no test triggered
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCatalogue } from './catalogues.mjs';

/** Codes no test here can trigger, with the reason. Keep this list tiny. */
const UNTRIGGERABLE = {
  INTERNAL_ERROR: 'printed by the CLI for a thrown value that is not an AeroError: never constructed as an AeroError',
  // Both are raised by plugins/launcher-slurm/src/launcher.ts (failure()) when squeue/scontrol/sacct report the
  // state; the test cluster (tools/slurm) can produce neither state:
  SLURM_OUT_OF_MEMORY: 'Slurm sets OUT_OF_MEMORY only when it enforces memory (TaskPlugin=task/cgroup with ConstrainRAMSpace, or jobacct_gather OverMemoryKill); the test cluster runs TaskPlugin=task/none and JobAcctGatherType=jobacct_gather/none, so a job over its --mem completes (checked: --mem=10M, 300 MB allocated, COMPLETED)',
  SLURM_JOB_PREEMPTED: 'Slurm sets PREEMPTED only under a preemption policy (PreemptType=preempt/partition_prio or preempt/qos, PreemptMode CANCEL/REQUEUE); the test cluster has PreemptType=preempt/none, and `scontrol requeue` gives REQUEUED/PENDING, never PREEMPTED',
};

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node tools/errors/triggered.mjs <AERO_ERROR_TRACE dir>');
  process.exit(2);
}
const seen = new Set();
for (const file of await readdir(dir).catch(() => [])) {
  if (!file.endsWith('.codes')) continue;
  for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) if (line) seen.add(line);
}
const missing = (await loadCatalogue()).filter((e) => !seen.has(e.code) && !(e.code in UNTRIGGERABLE));
if (missing.length > 0) {
  console.error(`${missing.length} declared error code(s) no test triggers:\n${missing.map((e) => `  ${e.code} (${e.plugin})`).join('\n')}\nWrite a test that makes each happen, or add it to UNTRIGGERABLE in tools/errors/triggered.mjs with the reason.`);
  process.exit(1);
}
console.log(`Every declared error code is triggered by a test (${seen.size} codes seen).`);
