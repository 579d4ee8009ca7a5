// Installs the peer tools on first use into .tools/bench-peers/venv (git-ignored):
// one virtualenv from Python 3.11 with pinned Snakemake, Luigi, Prefect and DVC from PyPI.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../lib/measure.mjs';
import { repoRoot } from '../lib/report.mjs';

/**
 * Versions that install together on Python 3.11. prefect 3.9 needs a certifi newer than PyPI
 * had here; prefect 3.8.8's ephemeral server crashes at import with fastapi >= 0.155
 * (`Body() got an unexpected keyword argument 'min_items'`), so fastapi is pinned too.
 */
export const PEER_PINS = {
  snakemake: '9.27.1',
  luigi: '3.8.1',
  prefect: '3.8.8',
  dvc: '3.67.1',
  fastapi: '0.153.0',
};

export const peersDir = join(repoRoot, '.tools', 'bench-peers');
export const venv = join(peersDir, 'venv');
export const venvBin = (name) => join(venv, 'bin', name);

/** A Python 3.11 interpreter: $AERO_BENCH_PYTHON, pyenv's 3.11, or python3.11 on PATH. */
async function findPython() {
  const candidates = [process.env.AERO_BENCH_PYTHON, join(process.env.HOME ?? '/root', '.pyenv/versions/3.11.7/bin/python3.11'), 'python3.11', 'python3'];
  for (const py of candidates.filter(Boolean)) {
    try {
      const r = await run(py, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
      const [maj, min] = r.stdout.trim().split('.').map(Number);
      if (maj === 3 && min >= 11) return py;
    } catch { /* try the next one */ }
  }
  throw new Error('No Python >= 3.11 found for the peer tools: set AERO_BENCH_PYTHON to one (pyenv install 3.11, or apt-get install python3.11).');
}

/**
 * Makes sure the venv holds exactly the pinned peers; a no-op (one file read) when it does.
 * @returns {Promise<{ python: string, versions: Record<string,string> }>}
 */
export async function ensurePeers({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const stamp = join(peersDir, 'installed.json');
  const want = JSON.stringify(PEER_PINS);
  if (existsSync(stamp) && existsSync(venvBin('python'))) {
    const have = JSON.parse(readFileSync(stamp, 'utf8'));
    if (JSON.stringify(have.pins) === want) return { python: have.python, versions: have.pins };
  }
  mkdirSync(peersDir, { recursive: true });
  if (!existsSync(venvBin('python'))) {
    const py = await findPython();
    log(`[bench] creating ${venv} with ${py}`);
    await run(py, ['-m', 'venv', venv]);
  }
  const specs = Object.entries(PEER_PINS).map(([p, v]) => `${p}==${v}`);
  log(`[bench] pip install ${specs.join(' ')} (first use only, a few minutes)`);
  await run(venvBin('pip'), ['install', '--disable-pip-version-check', '-q', ...specs], { timeoutMs: 20 * 60_000 });
  const python = (await run(venvBin('python'), ['-c', 'import sys; print(sys.version.split()[0])'])).stdout.trim();
  writeFileSync(stamp, `${JSON.stringify({ python, pins: PEER_PINS, date: new Date().toISOString() }, null, 2)}\n`);
  return { python, versions: PEER_PINS };
}
