import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aeroCliEnv, copyProject, writeProject } from '@aeroml/test-utils';
import { expect } from 'vitest';

export const CLI = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
// Test projects live inside the repo so `@aeroml/core` and `zod` resolve from its node_modules.
const ROOT = join(REPO, 'packages/cli/.test-projects');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function makeProject(name: string, files: Record<string, string>): Promise<string> {
  return writeProject(ROOT, name, files);
}

/** A fresh copy of examples/quickstart (without its .aero). */
export function copyQuickstart(): Promise<string> {
  return copyProject(join(REPO, 'examples/quickstart'), ROOT, 'quickstart', ['aero.config.ts', 'src', 'data', 'package.json']);
}

/** The environment CLI children get: plain output whatever the test runner sets (Nx sets FORCE_COLOR). */
export const plainEnv = aeroCliEnv;

export function startAero(cwd: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; result: Promise<CliResult>; output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: plainEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const result = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, result, output: () => stdout };
}

export function aero(cwd: string, ...args: string[]): Promise<CliResult> {
  return startAero(cwd, args).result;
}

/** Runs `aero ...args` in `cwd`, expects it to refuse (exit code 2) and returns its stderr for the caller's message assertion. */
export async function refused(cwd: string, ...args: string[]): Promise<string> {
  const r = await aero(cwd, ...args);
  expect(r.code).toBe(2);
  return r.stderr;
}

export async function readJson<T = any>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** Lines like `✓ ran         train (1.2s)` → { train: 'ran' } */
export function statuses(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^[✓●✗!→-] (ran|cached|failed|skipped|interrupted|would run)\s+(\S+?)(?::? |:?$)/.exec(line);
    if (m) out[m[2]!] = m[1]!;
  }
  return out;
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts (or finds running) the MLflow test server of tools/mlflow/start.sh and returns its tracking URI. */
export function startMlflow(): string {
  execFileSync('bash', [join(REPO, 'tools/mlflow/start.sh')], { stdio: 'ignore', timeout: 15 * 60_000 });
  return /^MLFLOW_TRACKING_URI=(.+)$/m.exec(readFileSync(join(REPO, '.tools/mlflow.env'), 'utf8'))![1]!.trim();
}
