import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Python interpreter with Debian's numpy/astropy, as `tools/pyref/start.sh` records it
 * (`AERO_PYTHON=...` in `<repoRoot>/.tools/pyref.env`). Throws, saying what to run, when
 * the file or the line is missing.
 */
export function referencePython(repoRoot: string): string {
  const envFile = join(repoRoot, '.tools', 'pyref.env');
  let text: string;
  try {
    text = readFileSync(envFile, 'utf8');
  } catch {
    throw new Error(`${envFile} is missing: run \`bash tools/pyref/start.sh\` (vitest's globalSetup does) before these tests.`);
  }
  const line = text.split('\n').find((l) => l.startsWith('AERO_PYTHON='));
  if (!line) throw new Error(`${envFile} has no AERO_PYTHON line: run \`bash tools/pyref/start.sh\` again.`);
  return line.slice('AERO_PYTHON='.length).trim();
}

/** The nearest folder above `from` that holds `tools/pyref/start.sh` (the repository root). */
function pyrefRoot(from: string): string {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'tools', 'pyref', 'start.sh'))) return dir;
  }
  throw new Error(`No tools/pyref/start.sh above ${from}: pass the repository root to pythonReference().`);
}

/**
 * A runner for a Python reference script (a numpy or astropy cross-check): each call runs
 * `python <script> ...args` with the interpreter from {@link referencePython} and resolves
 * with its stdout parsed as JSON. `library` names the reference in failures (`numpy`,
 * `astropy`); a failing script or invalid JSON rejects with the script's stderr.
 * `repoRoot` defaults to the nearest folder above the script with `tools/pyref/start.sh`.
 */
export function pythonReference(script: string | URL, library: string, repoRoot?: string): <T>(...args: string[]) => Promise<T> {
  const path = script instanceof URL ? fileURLToPath(script) : script;
  const name = basename(path);
  return <T>(...args: string[]) =>
    new Promise<T>((resolve, reject) => {
      execFile(referencePython(repoRoot ?? pyrefRoot(path)), [path, ...args], { maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) return reject(new Error(`${library} reference script failed (${name} ${args[0]}):\n${stderr || error.message}`));
        try {
          resolve(JSON.parse(stdout) as T);
        } catch (e) {
          reject(new Error(`${library} reference script printed invalid JSON: ${(e as Error).message}\n${stdout.slice(0, 500)}\n${stderr}`));
        }
      });
    });
}

/**
 * For a vitest `globalSetup`: runs `bash <script>` (an idempotent service or tool setup
 * such as `tools/pyref/start.sh`) and, when it fails, throws `failure` followed by what
 * the script printed. Tests that need the service fail with that message; they never skip.
 */
export function runSetupScript(script: string, failure: string, timeoutMs = 10 * 60_000): void {
  try {
    execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`${failure}\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? e.message}`);
  }
}
