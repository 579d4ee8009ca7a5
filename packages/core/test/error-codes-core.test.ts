import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ArtifactStore, createAero, defineAction, defineCommand, defineConfig, runWorker, StoreKeys, type Action } from '../src/index.js';
import { dirStore } from './dir-store.js';
import { jsonHandler, memoryStore } from './fixtures.js';
import { caught } from './caught.js';

/**
 * Core error codes that no other test made happen, each through the code path a user
 * meets it on (tools/errors/triggered.mjs checks that every declared code is triggered).
 */

async function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `aero-codes-${label}-`));
}

/** Runs `actions` once in a fresh project (in-memory store) and returns the failed entry's error. */
async function failedRun(actions: Action[], use?: string[]) {
  const cwd = await tempDir('run');
  const store = memoryStore();
  const aero = await createAero({ cwd, config: defineConfig({ actions, plugins: [store, jsonHandler()] }) });
  const summary = await aero.run(use ? { use } : {});
  const failed = summary.record.actions.filter((a) => a.status === 'failed');
  expect(failed).toHaveLength(1);
  return { aero, store, error: failed[0]!.error! };
}

describe('COMMAND_FAILED: a defineCommand program that fails', () => {
  it('exits non-zero: the message has the status, the argv and the last lines of its output', async () => {
    const fail = defineCommand({ name: 'fail', cmd: ['sh', '-c', 'echo half done; echo disk full >&2; exit 3'], outputs: { out: { handler: 'json' } } });
    const { error } = await failedRun([fail]);
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.message).toBe('Command `fail` exited with code 3: sh -c echo half done; echo disk full >&2; exit 3\nhalf done\ndisk full');
    expect(error.hint?.startsWith('The last lines of its output are above; the full log is in `aero logs`.')).toBe(true);
  });

  it('cannot start because the program is not installed', async () => {
    const missing = defineCommand({ name: 'missing', cmd: ['aero-no-such-program-7f3a', '--help'], outputs: { out: { handler: 'json' } } });
    const { error } = await failedRun([missing]);
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.message).toBe('Command `missing` could not start: `aero-no-such-program-7f3a` was not found.');
    expect(error.hint?.startsWith('Install the program or fix `cmd`.')).toBe(true);
  });
});

describe('COMMAND_TEMPLATE: a command that cannot be filled in', () => {
  it('an empty `cmd` is refused when the command is defined', () => {
    for (const cmd of [[], '   ']) {
      const error = caught(() => defineCommand({ name: 'empty', cmd }));
      expect(error.code).toBe('COMMAND_TEMPLATE');
      expect(error.message).toBe('Command `empty` has an empty `cmd`.');
      expect(error.hint).toBe("Give the program and its arguments, e.g. cmd: ['python3', 'train.py'].");
    }
  });

  it('a `{params.x}` with no value fails the instance and names the placeholder', async () => {
    const greet = defineCommand({
      name: 'greet',
      params: z.object({ name: z.string().optional() }),
      cmd: ['echo', 'hello-{params.name}'],
      outputs: { out: { handler: 'json' } },
    });
    const { error } = await failedRun([greet]);
    expect(error.code).toBe('COMMAND_TEMPLATE');
    expect(error.message).toBe('Command `greet` uses `{params.name}`, which is not defined.');
    expect(error.hint?.startsWith("Declare `name` in the command's params.")).toBe(true);
  });
});

describe('ACTION_INPUT_MISSING: an input artifact without files', () => {
  it('a pinned version with no files fails the consumer when it reads the input', async () => {
    const ingest = defineAction({ name: 'ingest', version: '1', outputs: { raw: { handler: 'json' } }, async run({ outputs }) { await outputs.raw.write([1, 2]); } });
    let readValue: unknown = 'not read';
    const train = defineAction({
      name: 'train', version: '1', inputs: { raw: ingest.output('raw') }, outputs: { model: { handler: 'json' } },
      async run({ inputs, outputs }) { readValue = await inputs.raw.read(); await outputs.model.write(readValue); },
    });
    const cwd = await tempDir('empty-input');
    const store = memoryStore();
    const open = () => createAero({ cwd, config: defineConfig({ actions: [ingest, train], plugins: [store, jsonHandler()] }) });
    // An artifact version with no files: what an older aero or a hand-made manifest leaves.
    const emptyDir = await tempDir('empty-dir');
    const { digest } = await (await open()).artifacts.commitDirectory(emptyDir, { name: 'ingest.raw', handler: 'json', handlerVersion: jsonHandler().version });
    const summary = await (await open()).run({ use: [`ingest.raw@${digest.slice(0, 12)}`] });
    const failed = summary.record.actions.find((a) => a.action === 'train')!;
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('ACTION_INPUT_MISSING');
    expect(failed.error?.message).toBe('Input `raw` (ingest.raw) has no files.');
    expect(readValue).toBe('not read');
  });
});

describe('STORE_NOT_FOUND: a blob a manifest lists is gone from the store', () => {
  async function committed(store: ConstructorParameters<typeof ArtifactStore>[0]) {
    const dir = await tempDir('blob');
    await writeFile(join(dir, 'v.json'), '[1,2,3]');
    return new ArtifactStore(store).commitDirectory(dir, { name: 'a.out', handler: 'json', handlerVersion: '1' });
  }

  it('from a store that downloads (no local root)', async () => {
    const store = memoryStore();
    const { manifest } = await committed(store);
    const sha = manifest.files[0]!.sha256;
    await store.delete(StoreKeys.blob(sha));
    await expect(new ArtifactStore(store).materialize(manifest, await tempDir('in'))).rejects.toMatchObject({
      code: 'STORE_NOT_FOUND',
      message: `The content of v.json of a.out (sha256 ${sha.slice(0, 12)}) is missing from the store.`,
      hint: 'Run `aero run` again: the producer of a missing blob reruns and rewrites it.',
    });
  });

  it('from a store on this filesystem (hard-linked blobs)', async () => {
    const root = join(await tempDir('dir-store'), 'store');
    const store = dirStore(root);
    const { manifest } = await committed(store);
    const sha = manifest.files[0]!.sha256;
    await rm(join(root, ...StoreKeys.blob(sha).split('/')));
    await expect(new ArtifactStore(store).materialize(manifest, await tempDir('in'))).rejects.toMatchObject({
      code: 'STORE_NOT_FOUND',
      message: `The content of v.json of a.out (sha256 ${sha.slice(0, 12)}) is missing from the store.`,
    });
  });
});

describe('JOB_SPEC_INVALID: `aero exec` given a job spec it cannot read', () => {
  it('a spec that is not one aero wrote', async () => {
    const dir = await tempDir('spec');
    const spec = join(dir, 'job.json');
    await writeFile(spec, JSON.stringify({ schema: 2, jobId: 'j1', action: 'train' }));
    await expect(runWorker(spec)).rejects.toMatchObject({
      code: 'JOB_SPEC_INVALID',
      message: `Job spec ${spec} is unreadable: missing schema, jobId or action.`,
      hint: 'Job specs are written by `aero run`; rerun the pipeline instead of editing them.',
    });
  });

  it('a spec file that does not exist', async () => {
    const dir = await tempDir('spec-missing');
    await mkdir(join(dir, 'sub'));
    const spec = join(dir, 'sub', 'job.json');
    await expect(runWorker(spec)).rejects.toMatchObject({
      code: 'JOB_SPEC_INVALID',
      message: `Job spec ${spec} is unreadable: ENOENT: no such file or directory, open '${spec}'.`,
    });
  });
});

describe('LAUNCHER_NOT_FOUND: a launcher no plugin provides', () => {
  const work = defineAction({ name: 'work', version: '1', outputs: { out: { handler: 'json' } }, async run({ outputs }) { await outputs.out.write(1); } });

  it('named by the run (`--launcher`)', async () => {
    const aero = await createAero({ cwd: await tempDir('launcher'), config: defineConfig({ actions: [work], plugins: [memoryStore(), jsonHandler()] }) });
    await expect(aero.run({ launcher: 'slurm' })).rejects.toMatchObject({
      code: 'LAUNCHER_NOT_FOUND',
      message: 'No launcher named `slurm` (available: inline, process).',
      hint: 'Add the launcher plugin to `plugins` in aero.config.ts, e.g. slurmLauncher().',
    });
  });

  it('a typo of an installed launcher is named as such', async () => {
    const aero = await createAero({ cwd: await tempDir('launcher-typo'), config: defineConfig({ actions: [work], plugins: [memoryStore(), jsonHandler()] }) });
    await expect(aero.run({ launcher: 'procss' })).rejects.toMatchObject({
      code: 'LAUNCHER_NOT_FOUND',
      message: 'No launcher named `procss` (available: inline, process).',
      hint: 'Did you mean `process`? Other launchers are plugins: add one to `plugins` in aero.config.ts, e.g. slurmLauncher().',
    });
  });

  it('named by an action (`launcher:` of defineAction)', async () => {
    const remote = defineAction({ name: 'remote', version: '1', launcher: 'docker', outputs: { out: { handler: 'json' } }, async run({ outputs }) { await outputs.out.write(1); } });
    const aero = await createAero({ cwd: await tempDir('launcher-action'), config: defineConfig({ actions: [remote], plugins: [memoryStore(), jsonHandler()] }) });
    await expect(aero.run()).rejects.toMatchObject({ code: 'LAUNCHER_NOT_FOUND', message: 'No launcher named `docker` (available: inline, process).' });
  });
});
