// Starts (or finds running) the local W&B protocol server via tools/wandb-server/start.sh
// and hands its URL to the tests. Fails loudly when it cannot be reached: no test is skipped.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

const ROOT = join(import.meta.dirname, '..', '..', '..');

declare module 'vitest' {
  export interface ProvidedContext {
    wandbBaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const script = join(ROOT, 'tools', 'wandb-server', 'start.sh');
  try {
    execFileSync('bash', [script], { stdio: 'pipe', timeout: 300_000 });
  } catch (error) {
    const out = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`The local W&B protocol server could not be started by ${script}:\n${out.stdout ?? ''}${out.stderr ?? ''}`);
  }
  const env = readFileSync(join(ROOT, '.tools', 'wandb-server.env'), 'utf8');
  const baseUrl = /^WANDB_TEST_BASE_URL=(.+)$/m.exec(env)?.[1]?.trim();
  if (!baseUrl) throw new Error(`.tools/wandb-server.env has no WANDB_TEST_BASE_URL; run tools/wandb-server/start.sh by hand to see why.`);
  const health = await fetch(`${baseUrl}/_test/health`).catch((error: unknown) => error as Error);
  if (health instanceof Error || !health.ok) {
    throw new Error(`The local W&B protocol server at ${baseUrl} does not answer (${health instanceof Error ? health.message : `HTTP ${health.status}`}). See .tools/wandb-server/server.log.`);
  }
  project.provide('wandbBaseUrl', baseUrl);
}
