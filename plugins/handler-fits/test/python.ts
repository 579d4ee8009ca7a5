import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./py/fits_ref.py', import.meta.url));

/** The interpreter with Debian's astropy, as recorded by tools/pyref/start.sh in .tools/pyref.env. */
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

/** Runs test/py/fits_ref.py with astropy and parses its JSON output. */
export function fitsRef<T>(...args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(python(), [SCRIPT, ...args], { maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`astropy reference script failed (fits_ref.py ${args[0]}):\n${stderr || error.message}`));
      try {
        resolve(JSON.parse(stdout) as T);
      } catch (e) {
        reject(new Error(`astropy reference script printed invalid JSON: ${(e as Error).message}\n${stdout.slice(0, 500)}\n${stderr}`));
      }
    });
  });
}

export type RefValue = { t: 'null' } | { t: 'bool'; v: boolean } | { t: 'int'; v: string } | { t: 'float'; v: number } | { t: 'complex'; v: [number, number] } | { t: 'str'; v: string };
export interface RefCard {
  key: string;
  value: RefValue;
  comment: string;
}
export interface RefArray {
  dtype: string;
  shape: number[];
  bytes: string;
}
export interface RefColumn extends Partial<RefArray> {
  name: string;
  format: string;
  unit: string;
  dtype: string;
  shape: number[];
  strings?: string[];
}
export interface RefHdu {
  kind: string;
  name: string;
  ver: number;
  cards: RefCard[];
  data?: RefArray | null;
  bitpix?: number;
  rows?: number;
  columns?: RefColumn[];
}
export interface RefFile {
  file: string;
  ok?: boolean;
  error?: string;
  hdus: RefHdu[];
}
