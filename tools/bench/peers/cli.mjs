// CLI latency: `--help`, and listing the steps of a 4-step pipeline shaped like
// examples/quickstart (ingest → split → train → evaluate) in each tool's own format.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../lib/measure.mjs';
import { repoRoot } from '../lib/report.mjs';
import { venvBin } from './install.mjs';
import { aeroBin, dvcInitSteps, PEER_ENV, prefectEnv } from './workloads.mjs';

const STEPS = ['ingest', 'split', 'train', 'evaluate'];

/** Writes the quickstart's shape for the peers under `dir`; returns the commands to time. */
export async function cliCases(dir, bin = aeroBin) {
  mkdirSync(dir, { recursive: true });
  const smk = STEPS.map((s, i) => `rule ${s}:\n${i ? `    input: "${STEPS[i - 1]}.txt"\n` : ''}    output: "${s}.txt"\n    shell: "echo ${s} > {output}"\n`);
  writeFileSync(join(dir, 'Snakefile'), `rule all:\n    input: "evaluate.txt"\n${smk.join('')}`);
  const luigiTasks = STEPS.map((s, i) => {
    const cls = s[0].toUpperCase() + s.slice(1);
    const req = i ? `    def requires(self):\n        return ${STEPS[i - 1][0].toUpperCase() + STEPS[i - 1].slice(1)}()\n` : '';
    return `class ${cls}(luigi.Task):\n${req}    def output(self):\n        return luigi.LocalTarget("${s}.txt")\n    def run(self):\n        with self.output().open("w") as f:\n            f.write("${s}\\n")\n`;
  });
  writeFileSync(join(dir, 'quickstart.py'), `import luigi\n${luigiTasks.join('')}`);
  const dvc = ['stages:', ...STEPS.flatMap((s, i) => [`  ${s}:`, `    cmd: echo ${s} > ${s}.txt`, ...(i ? [`    deps:`, `      - ${STEPS[i - 1]}.txt`] : []), `    outs:`, `      - ${s}.txt`])];
  writeFileSync(join(dir, 'dvc.yaml'), `${dvc.join('\n')}\n`);
  for (const s of dvcInitSteps(dir)) await run(s.cmd, s.args, s);
  // The quickstart itself, copied next to the frozen aero (without its state or node_modules).
  const quickstart = join(dir, '..', 'quickstart');
  rmSync(quickstart, { recursive: true, force: true });
  cpSync(join(repoRoot, 'examples', 'quickstart'), quickstart, { recursive: true, filter: (src) => !/\/(node_modules|\.aero|dist)(\/|$)/.test(src) });
  const py = { ...PEER_ENV, PYTHONPATH: dir };
  return [
    { tool: 'aero', what: 'help', cmd: process.execPath, args: [bin, '--help'], cwd: dir, shown: 'aero --help' },
    { tool: 'aero', what: 'list', cmd: process.execPath, args: [bin, 'list'], cwd: quickstart, shown: 'aero list (examples/quickstart)' },
    { tool: 'snakemake', what: 'help', cmd: venvBin('snakemake'), args: ['--help'], cwd: dir, env: PEER_ENV, shown: 'snakemake --help' },
    { tool: 'snakemake', what: 'list', cmd: venvBin('snakemake'), args: ['--list-rules'], cwd: dir, env: PEER_ENV, shown: 'snakemake --list-rules' },
    { tool: 'luigi', what: 'help', cmd: venvBin('luigi'), args: ['--help'], cwd: dir, env: PEER_ENV, shown: 'luigi --help' },
    { tool: 'luigi', what: 'list', cmd: venvBin('luigi-deps-tree'), args: ['--module', 'quickstart', 'Evaluate'], cwd: dir, env: py, shown: 'luigi-deps-tree --module quickstart Evaluate' },
    { tool: 'prefect', what: 'help', cmd: venvBin('prefect'), args: ['--help'], cwd: dir, env: { ...PEER_ENV, ...prefectEnv(join(dir, 'prefect-home')) }, shown: 'prefect --help' },
    { tool: 'dvc', what: 'help', cmd: venvBin('dvc'), args: ['--help'], cwd: dir, env: PEER_ENV, shown: 'dvc --help' },
    { tool: 'dvc', what: 'list', cmd: venvBin('dvc'), args: ['stage', 'list'], cwd: dir, env: PEER_ENV, shown: 'dvc stage list' },
    { tool: 'node', what: 'baseline', cmd: process.execPath, args: ['-e', '0'], cwd: dir, shown: 'node -e 0 (baseline)' },
    { tool: 'python', what: 'baseline', cmd: venvBin('python'), args: ['-c', 'pass'], cwd: dir, shown: 'python -c pass (baseline)' },
  ];
}
