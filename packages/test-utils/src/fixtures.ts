import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AeroError } from '@aeroml/core';
import { afterAll, beforeAll, expect } from 'vitest';

/** A temp directory's paths, valid from the first test of the file on. */
export interface TempDir {
  /** `join(dir, ...parts)`. */
  path(...parts: string[]): string;
}

/**
 * A fresh temp directory (`<os tmp>/<prefix>XXXXXX`) for the current test file: created in
 * `beforeAll`, removed in `afterAll`. Call it at the top level or in a `describe` block.
 */
export function useTempDir(prefix: string): TempDir {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return { path: (...parts) => join(dir, ...parts) };
}

/**
 * Awaits a promise that must reject and returns what it rejected with (typed `any` so a
 * test can assert `.code` and `.message` directly); throws when the promise resolves.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/**
 * Fails the test file (in `beforeAll`) when `<packageDir>/dist/index.js` is missing: tests
 * that load the built package in a child process, as a second `aero` process would, need
 * it built first. `label` is the package's folder as the message names it
 * (e.g. `plugins/store-local`).
 */
export function requireBuilt(packageDir: string, label: string): void {
  beforeAll(() => {
    if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
      throw new Error(`${label}/dist is missing: run \`npm run build\` in ${label} before these tests (nx does it for \`npm test\` at the root).`);
    }
  });
}

/**
 * A TCP port on 127.0.0.1 where nothing listens: bound once by the OS, then closed. For
 * tests of what a client does when its server is not there (connection refused).
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Writes a new project folder `<parent>/<name>-XXXXXX` with `files` (relative path →
 * content, folders created as needed) and returns its path. Put `parent` inside the repo
 * when the project imports workspace packages, so they resolve from its node_modules.
 */
export async function writeProject(parent: string, name: string, files: Record<string, string>): Promise<string> {
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, `${name}-`));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), content);
  }
  return dir;
}

/**
 * Awaits a promise that must reject with an `AeroError` raised by `plugin` (its package
 * name, e.g. `@aeroml/handler-npy`) and returns the error for the test's own assertions
 * on `code` and `message`. Each of the three checks is a vitest `expect`.
 */
export async function pluginRejection(promise: Promise<unknown>, plugin: string): Promise<AeroError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').toBeDefined();
  expect((error as AeroError).name).toBe('AeroError');
  expect((error as AeroError).plugin).toBe(plugin);
  return error as AeroError;
}

/**
 * Calls `fn`, which must throw, and returns what it threw (typed `any`, like
 * {@link rejection}); throws when `fn` returns.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/**
 * Calls a plugin factory that must refuse its options and returns the error it threw,
 * checked (vitest `expect`) to have the code `PLUGIN_OPTIONS_INVALID` and to come from
 * `plugin` (its package name); the caller asserts the message.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function pluginOptionsError(fn: () => unknown, plugin: string): any {
  const error = thrown(fn);
  expect(error.code).toBe('PLUGIN_OPTIONS_INVALID');
  expect(error.plugin).toBe(plugin);
  return error;
}

/**
 * Copies `entries` (files or folders, relative to `source`) of a project into a new folder
 * `<parent>/<name>-XXXXXX` and returns its path: a fresh copy of an example to run
 * commands in. Put `parent` inside the repo so the copy resolves workspace packages.
 */
export async function copyProject(source: string, parent: string, name: string, entries: string[]): Promise<string> {
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, `${name}-`));
  for (const entry of entries) await cp(join(source, entry), join(dir, entry), { recursive: true });
  return dir;
}
