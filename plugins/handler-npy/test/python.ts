import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./py/npy_ref.py', import.meta.url));

/** The interpreter with Debian's numpy, as recorded by tools/pyref/start.sh in .tools/pyref.env. */
export function python(): string {
  const envFile = `${ROOT}.tools/pyref.env`;
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

/** Runs test/py/npy_ref.py with numpy and parses its JSON output. */
export function npyRef<T>(...args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(python(), [SCRIPT, ...args], { maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`numpy reference script failed (npy_ref.py ${args[0]}):\n${stderr || error.message}`));
      try {
        resolve(JSON.parse(stdout) as T);
      } catch (e) {
        reject(new Error(`numpy reference script printed invalid JSON: ${(e as Error).message}\n${stdout.slice(0, 500)}\n${stderr}`));
      }
    });
  });
}

export interface RefArray {
  dtype: string;
  shape: number[];
  fortranOrder: boolean;
  byteOrder: 'little' | 'big';
  /** Elements in memory order, little endian, base64. */
  bytes: string;
  values?: Array<string | boolean | [string, string]>;
}
