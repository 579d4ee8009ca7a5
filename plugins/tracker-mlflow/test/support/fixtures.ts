import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackerActionInfo } from '@aeroml/test-utils';
import { afterAll, beforeAll } from 'vitest';
import type { ActionInfo, ArtifactRef, Logger, RunInfo } from '@aeroml/core';

export const rid = (n = 4) => randomBytes(n).toString('hex');

/** A project folder with `.aero/runs/<id>` like core lays it out. */
export async function makeProject(): Promise<{ root: string; aeroDir: string; runsRoot: string }> {
  const root = await mkdtemp(join(tmpdir(), 'aero-mlflow-'));
  const aeroDir = join(root, '.aero');
  const runsRoot = join(aeroDir, 'runs');
  await mkdir(runsRoot, { recursive: true });
  return { root, aeroDir, runsRoot };
}

/**
 * A project (makeProject) for the enclosing describe block: made before its tests (its
 * fields are set from then on) and removed after them.
 */
export function useProject(): Awaited<ReturnType<typeof makeProject>> {
  const project = { root: '', aeroDir: '', runsRoot: '' };
  beforeAll(async () => {
    Object.assign(project, await makeProject());
  });
  afterAll(async () => {
    if (project.root) await rm(project.root, { recursive: true, force: true });
  });
  return project;
}

export function runInfo(runsRoot: string, overrides: Partial<RunInfo> = {}): RunInfo {
  const runId = overrides.runId ?? `20261122-${rid(3)}`;
  return {
    runId,
    project: `aero-test-${rid()}`,
    runName: `run-${rid(3)}`,
    startedAt: new Date().toISOString(),
    git: { commit: 'c0ffee0000000000000000000000000000000001', dirty: false, branch: 'main' },
    params: {},
    tags: {},
    runDir: join(runsRoot, runId),
    dev: false,
    ...overrides,
  };
}

export function actionInfo(run: RunInfo, instanceId: string, overrides: Partial<ActionInfo> = {}): ActionInfo {
  return trackerActionInfo(run, instanceId, { cacheKey: rid(32), ...overrides });
}

/** Writes `content` as a content-addressed blob of the local store and returns the artifact ref. */
export async function storeArtifact(aeroDir: string, name: string, files: Record<string, string | Buffer>, extra: Partial<ArtifactRef> = {}): Promise<ArtifactRef> {
  const manifestFiles = [];
  for (const [path, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const dir = join(aeroDir, 'objects', 'sha256', sha256.slice(0, 2));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, sha256), bytes);
    manifestFiles.push({ path, sha256, size: bytes.length });
  }
  const digest = createHash('sha256').update(JSON.stringify({ name, files: manifestFiles })).digest('hex');
  return { name, digest, handler: 'bytes', files: manifestFiles, manifestKey: `artifacts/${name}/${digest}.json`, ...extra };
}

export interface CapturedLog extends Logger {
  lines: Array<{ level: string; message: string }>;
}

export function captureLogger(): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
