import { execFileSync } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobEvent } from '@aeroml/core';
import { describe, expect, it } from 'vitest';
import { dockerLauncher } from '../src/index.js';
import { DEV_IMAGE } from './global-setup.js';
import { context, localVariant, podman, project, spec, workerScript } from './helpers.js';

const containers = (jobId: string) =>
  execFileSync('podman', ['--runtime', 'runc', '--cgroup-manager=cgroupfs', 'ps', '-a', '-q', '--filter', `label=aero.job=${jobId}`], { encoding: 'utf8' }).trim();

describe('dockerLauncher with podman', () => {
  it('runs a job in a container with the project mounted at the same path', async () => {
    const cwd = await project();
    const launcher = dockerLauncher(podman);
    const job = await spec(cwd, 'prep', { stdout: ['hello from the container'] }, { env: { AERO_TEST_VALUE: 'v1' }, partition: { split: 'train' } });
    const { ctx, events } = context();
    const [result] = await Promise.all(launcher.submit([job], ctx));
    expect(result).toMatchObject({ jobId: job.jobId, ok: true });
    const stored = JSON.parse(await readFile(join(cwd, '.aero', 'store', `${job.jobId}.json`), 'utf8'));
    expect(stored).toMatchObject({ container: true, cwd, specCwd: cwd, env: 'v1', partition: { split: 'train' } });
    expect(events).toContainEqual({ type: 'job:log', jobId: job.jobId, stream: 'stdout', line: 'hello from the container' });
    expect(events.some((e) => e.type === 'job:metrics')).toBe(true);
    expect(events.find((e) => e.type === 'job:submitted')).toMatchObject({ externalId: expect.stringMatching(/^aero-run-1-prep-\d+-/) });
    expect(containers(job.jobId)).toBe(''); // --rm
  });

  it('runs several jobs side by side', async () => {
    const cwd = await project();
    const jobs = await Promise.all([0, 1, 2].map((i) => spec(cwd, 'many', {}, { partition: { i } })));
    const results = await Promise.all(dockerLauncher(podman).submit(jobs, context().ctx));
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
  });

  it('reports a container that dies without result.json with its exit code and output', async () => {
    const cwd = await project();
    const job = await spec(cwd, 'crash', { stderr: ['Traceback: boom'], exitCode: 3 });
    const [result] = await Promise.all(dockerLauncher(podman).submit([job], context().ctx));
    expect(result!.error!.code).toBe('DOCKER_JOB_FAILED');
    expect(result!.error!.message).toBe(`The container for \`${job.instanceId}\` (image localhost/aero-node:test) exited with code 3 without writing result.json.\nLast lines of its output:\nTraceback: boom`);
    expect(result!.error!.hint).toMatch(/^Rerun with the same image by hand: podman --runtime runc --cgroup-manager=cgroupfs run --rm/);
  });

  it('names the runtime’s own exit codes (127: worker command not in the image)', async () => {
    const cwd = await project();
    const job = await spec(cwd, 'nocmd');
    const [result] = await Promise.all(dockerLauncher({ ...podman, execCommand: ['/usr/bin/python3'] }).submit([job], context().ctx));
    expect(result!.error!.message).toMatch(/exited with code 127 \(the worker command was not found inside the container\) without writing result\.json\./);
  });

  it('passes through a failed result the worker wrote', async () => {
    const cwd = await project();
    const [result] = await Promise.all(dockerLauncher(podman).submit([await spec(cwd, 'bad', { fail: true })], context().ctx));
    expect(result).toMatchObject({ ok: false, error: { code: 'ACTION_FAILED', message: 'action bad failed on purpose' } });
  });

  it('stops the container when the run is interrupted', async () => {
    const cwd = await project();
    const abort = new AbortController();
    const { ctx, events } = context(undefined, abort.signal);
    const job = await spec(cwd, 'long', { sleepMs: 120_000 });
    const [p] = dockerLauncher({ ...podman, stopTimeoutSeconds: 1 }).submit([job], ctx);
    await waitFor(() => events.some((e) => e.type === 'job:metrics'));
    abort.abort();
    const result = await p;
    expect(result!.error).toMatchObject({ code: 'INTERRUPTED', message: `The container for \`${job.instanceId}\` was stopped because the run was interrupted.` });
    expect(containers(job.jobId)).toBe('');
  });

  it('cancel(ids) stops the named job', async () => {
    const cwd = await project();
    const launcher = dockerLauncher({ ...podman, stopTimeoutSeconds: 1 });
    const { ctx, events } = context();
    const job = await spec(cwd, 'long', { sleepMs: 120_000 });
    const [p] = launcher.submit([job], ctx);
    await waitFor(() => events.some((e) => e.type === 'job:metrics'));
    await launcher.cancel([job.jobId]);
    expect((await p)!.error!.code).toBe('INTERRUPTED');
  });

  it('stops a job at its timeout with DOCKER_JOB_TIMEOUT', async () => {
    const cwd = await project();
    const job = await spec(cwd, 'slow', { sleepMs: 120_000 }, { timeoutMs: 1_500 });
    const [result] = await Promise.all(dockerLauncher({ ...podman, stopTimeoutSeconds: 1 }).submit([job], context().ctx));
    expect(result!.error!.code).toBe('DOCKER_JOB_TIMEOUT');
    expect(result!.error!.message).toMatch(/^The container for `slow#\d+` \(image localhost\/aero-node:test\) was stopped after its timeout of 1500 ms without writing result\.json\./);
  });

  it('runs the image’s copy of the code, and the local source over it with --dev', async () => {
    const cwd = await project();
    await copyFile(workerScript, join(cwd, 'worker.mjs'));
    await copyFile(localVariant, join(cwd, 'variant.txt'));
    const launcher = dockerLauncher({ ...podman, image: DEV_IMAGE, imageProjectDir: '/app', execCommand: ['node', '/app/worker.mjs'] });
    const normal = await spec(cwd, 'code');
    const dev = await spec(cwd, 'code', {}, { dev: true });
    const results = await Promise.all(launcher.submit([normal, dev], context().ctx));
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    const read = async (id: string) => JSON.parse(await readFile(join(cwd, '.aero', 'store', `${id}.json`), 'utf8'));
    expect(await read(normal.jobId)).toMatchObject({ variant: 'image', specCwd: '/app', cwd: '/app', container: true });
    expect(await read(dev.jobId)).toMatchObject({ variant: 'local', specCwd: '/app', cwd: '/app', container: true });
    // The worker saw paths mapped into the container; results landed in the host job dir.
    const seen = JSON.parse(await readFile(join(normal.jobDir, 'job.container.json'), 'utf8'));
    expect(seen.jobDir).toBe(join('/app', normal.jobDir.slice(cwd.length)));
  });
});

describe('dockerLauncher errors', () => {
  it('rejects with DOCKER_RUNTIME_NOT_FOUND when the CLI is missing', async () => {
    const cwd = await project();
    await expect(dockerLauncher({ runtime: 'no-such-docker', image: 'x' }).submit([await spec(cwd, 'a')], context().ctx)[0]).rejects.toMatchObject({
      code: 'DOCKER_RUNTIME_NOT_FOUND',
      plugin: '@aeroml/launcher-docker',
      message: 'Cannot run the container runtime `no-such-docker` (ENOENT): it is not installed or not on PATH.',
    });
  });

  it('rejects with DOCKER_DAEMON_UNREACHABLE when the runtime has no service to talk to', async () => {
    const cwd = await project();
    const launcher = dockerLauncher({ ...podman, runtimeArgs: ['--remote', '--url', 'unix:///tmp/aero-no-such-podman.sock'] });
    await expect(launcher.submit([await spec(cwd, 'a')], context().ctx)[0]).rejects.toMatchObject({
      code: 'DOCKER_DAEMON_UNREACHABLE',
      message: expect.stringMatching(/^The container runtime `podman` cannot reach its daemon: .*unable to connect to Podman socket/s),
    });
  });

  it('rejects with DOCKER_IMAGE_NOT_FOUND when the image is absent and pull is never', async () => {
    const cwd = await project();
    await expect(dockerLauncher({ ...podman, image: 'localhost/aero-absent:1', pull: 'never' }).submit([await spec(cwd, 'a')], context().ctx)[0]).rejects.toMatchObject({
      code: 'DOCKER_IMAGE_NOT_FOUND',
      message: "The image `localhost/aero-absent:1` is not present in podman's local storage and pull is 'never'.",
    });
  });

  it('rejects with DOCKER_IMAGE_PULL_FAILED with the registry error', async () => {
    const cwd = await project();
    await expect(dockerLauncher({ ...podman, image: '127.0.0.1:9/aero-absent:1' }).submit([await spec(cwd, 'a')], context().ctx)[0]).rejects.toMatchObject({
      code: 'DOCKER_IMAGE_PULL_FAILED',
      message: expect.stringMatching(/^Could not pull the image `127\.0\.0\.1:9\/aero-absent:1` with podman: .*connection refused/),
    });
  });

  it('rejects with DOCKER_NO_IMAGE when no image is configured', async () => {
    const cwd = await project();
    await expect(dockerLauncher({ ...podman, image: undefined }).submit([await spec(cwd, 'train')], context().ctx)[0]).rejects.toMatchObject({
      code: 'DOCKER_NO_IMAGE',
      message: 'No container image for action `train`: set dockerLauncher({ image }) or resources.docker.image on the action.',
    });
  });

  it('rejects with DOCKER_RESOURCES_INVALID for a bad resources.docker', async () => {
    const cwd = await project();
    const job = await spec(cwd, 'train', {}, { resources: { docker: { image: 5 } } });
    await expect(dockerLauncher(podman).submit([job], context().ctx)[0]).rejects.toMatchObject({
      code: 'DOCKER_RESOURCES_INVALID',
      message: 'Invalid container resources for action `train`:\n  - train.resources.docker: `image`: Invalid input: expected string, received number',
    });
  });
});

async function waitFor(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type { JobEvent };
