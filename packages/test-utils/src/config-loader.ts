import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAeroError, type ConfigLoader, type ConfigLoadResult } from '@aeroml/core';
import { expectIdentity, flattenParams } from './util.js';

export type ConfigLoaderFactory = () => Promise<ConfigLoader> | ConfigLoader;

/** Project files by path relative to the project root (`conf/config.yaml` → its text). */
export type ProjectFiles = Record<string, string>;

/** An input the loader must refuse, and the AeroError code it must refuse it with. */
export interface RefusedInput {
  /** Short description, used as the test name. */
  name: string;
  /** Files of the project (default: the suite's valid `files`). */
  files?: ProjectFiles;
  /** Overrides to load with (default: none). */
  overrides?: string[];
  /** The AeroError code expected. */
  code: string;
  /** Text the message must contain (the file or key at fault), so the user knows where to look. */
  mentions?: string;
}

export interface DescribeConfigLoaderOptions {
  /** A valid project: the files the loader reads. */
  files: ProjectFiles;
  /** Params a load without overrides must give (compared after flattening to dot paths; extra params are allowed). */
  expected: Record<string, unknown>;
  /** Overrides the loader understands, and the params they must give (same comparison). */
  overrides: { args: string[]; expected: Record<string, unknown> };
  /** An override of a key the config does not have: refused (default code OVERRIDE_INVALID), naming the key. */
  unknownOverride: { arg: string; code?: string; mentions: string };
  /** Broken files (and other bad inputs): each refused with an AeroError of its code. At least one. */
  refused: RefusedInput[];
}

/**
 * The conformance suite every `ConfigLoader` must pass: it loads a real project from
 * disk with and without overrides, checks the params and the sources reported (relative
 * paths, the files' own text), that an unknown override key and broken files are refused
 * with an AeroError naming what is wrong, and that one load leaves no state behind.
 */
export function describeConfigLoader(name: string, factory: ConfigLoaderFactory, options: DescribeConfigLoaderOptions): void {
  describe(`ConfigLoader conformance: ${name}`, () => {
    const roots: string[] = [];

    async function project(files: ProjectFiles): Promise<string> {
      const root = await mkdtemp(join(tmpdir(), 'aero-config-conformance-'));
      roots.push(root);
      for (const [rel, text] of Object.entries(files)) {
        await mkdir(dirname(join(root, rel)), { recursive: true });
        await writeFile(join(root, rel), text);
      }
      return root;
    }

    async function load(files: ProjectFiles, overrides: string[] = [], base: Record<string, unknown> = {}): Promise<ConfigLoadResult> {
      const loader = await factory();
      return loader.load({ cwd: await project(files), overrides, base });
    }

    /** Differences between what was expected and the loaded params (empty when they match). */
    function differences(expected: Record<string, unknown>, params: Record<string, unknown>): string[] {
      const want = flattenParams(expected);
      const got = flattenParams(params);
      return Object.entries(want).flatMap(([key, value]) => (got[key] === value ? [] : [`\`${key}\` is ${got[key] ?? 'missing'}, expected ${value}`]));
    }

    async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, 'the load resolved instead of being refused').toBeDefined();
      expect(isAeroError(error), `a raw ${String(error)} escaped instead of an AeroError`).toBe(true);
      return error as { code: string; message: string };
    }

    afterAll(async () => {
      await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
    });

    it('identifies itself as a config plugin', async () => {
      const loader = await factory();
      expectIdentity(loader, 'config', ['load']);
    });

    it('loads the project without overrides', async () => {
      const result = await load(options.files);
      expect(differences(options.expected, result.params)).toEqual([]);
    });

    it('reports its sources: relative paths, each with the text of the file it read', async () => {
      const result = await load(options.files);
      expect(result.sources.length).toBeGreaterThan(0);
      const problems = result.sources.flatMap((source) => {
        if (typeof source.file !== 'string' || source.file === '') return [`a source without a file: ${JSON.stringify(source)}`];
        if (isAbsolute(source.file) || source.file.startsWith('..')) return [`\`${source.file}\` is not relative to the project root`];
        const written = options.files[source.file];
        if (written !== undefined && source.content !== undefined && source.content !== written) return [`\`${source.file}\`: content differs from the file`];
        return [];
      });
      expect(problems).toEqual([]);
      // At least one of the project's files is reported as read.
      expect(result.sources.some((s) => s.file in options.files)).toBe(true);
    });

    it('applies overrides', async () => {
      const result = await load(options.files, options.overrides.args);
      expect(differences(options.overrides.expected, result.params)).toEqual([]);
    });

    it('keeps nothing from one load to the next (an override does not stick)', async () => {
      const loader = await factory();
      const cwd = await project(options.files);
      await loader.load({ cwd, overrides: options.overrides.args, base: {} });
      const again = await loader.load({ cwd, overrides: [], base: {} });
      expect(differences(options.expected, again.params)).toEqual([]);
    });

    it('refuses an override of a key the config does not have, naming the key', async () => {
      const error = await refusal(load(options.files, [options.unknownOverride.arg]));
      expect(error.code).toBe(options.unknownOverride.code ?? 'OVERRIDE_INVALID');
      expect(error.message).toContain(options.unknownOverride.mentions);
    });

    it('is given at least one broken input to refuse', () => {
      expect(options.refused.length).toBeGreaterThan(0);
    });

    for (const bad of options.refused) {
      it(`refuses ${bad.name} with ${bad.code}`, async () => {
        const error = await refusal(load(bad.files ?? options.files, bad.overrides ?? []));
        expect(error.code).toBe(bad.code);
        if (bad.mentions !== undefined) expect(error.message).toContain(bad.mentions);
      });
    }
  });
}
