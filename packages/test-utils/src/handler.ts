import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIdentity } from './util.js';
import { isAeroError, type AssetHandler } from '@aeroml/core';

export type HandlerFactory<T> = () => Promise<AssetHandler<T, any, any>> | AssetHandler<T, any, any>;

export interface HandlerSample<T> {
  /** Shown in the test name; also used as the file name. */
  name: string;
  value: T;
  /** Equality after a roundtrip (default: vitest's deep `toEqual`). */
  equals?(a: T, b: T): boolean;
}

export interface DescribeHandlerOptions<T> {
  /** Values that must survive write → read unchanged. At least one. */
  samples: Array<HandlerSample<T>>;
  /** Extension used for the files the suite writes (must be in `handler.extensions`). */
  extension: string;
  /**
   * File contents that are not valid for this format; reading each must reject with an
   * AeroError. Formats where every byte sequence is valid (raw bytes) leave it out.
   */
  corrupt?: Array<{ name: string; content: Uint8Array | string }>;
  /** Values `write` must refuse with an AeroError, leaving no file behind. */
  invalid?: Array<{ name: string; value: unknown }>;
}

function assertEqual<T>(sample: HandlerSample<T>, actual: T): void {
  if (sample.equals) expect(sample.equals(actual, sample.value), `sample ${sample.name} after a roundtrip`).toBe(true);
  else expect(actual).toEqual(sample.value);
}

function expectAeroError(error: unknown, what: string): void {
  expect(isAeroError(error), `${what} must reject with an AeroError, got ${String(error)}`).toBe(true);
  const e = error as { code: string; message: string };
  expect(e.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
  expect(e.message.length).toBeGreaterThan(0);
}

/**
 * The conformance suite every `AssetHandler` must pass: each sample round-trips, writing
 * the same value twice gives the same bytes (artifacts are content-addressed), writes
 * leave no temp files, bad input rejects with an AeroError, `describe()` is JSON.
 */
export function describeHandler<T>(name: string, factory: HandlerFactory<T>, options: DescribeHandlerOptions<T>): void {
  const { samples, extension } = options;
  describe(`AssetHandler conformance: ${name}`, () => {
    let dir = '';
    let handler: AssetHandler<T, any, any>;
    let n = 0;
    const file = (label: string) => join(dir, `${String(++n).padStart(3, '0')}-${label.replace(/[^A-Za-z0-9_-]+/g, '_')}.${extension}`);

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'aero-handler-conformance-'));
      handler = await factory();
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('identifies itself as a handler with extensions', () => {
      expect(samples.length, 'describeHandler needs at least one sample').toBeGreaterThan(0);
      expectIdentity(handler, 'handler');
      expect(Array.isArray(handler.extensions)).toBe(true);
      expect(handler.extensions.length).toBeGreaterThan(0);
      for (const ext of handler.extensions) expect(ext).toMatch(/^[^.\s/][^\s/]*$/);
      expect(handler.extensions).toContain(extension);
    });

    for (const sample of samples) {
      it(`round-trips sample "${sample.name}" through write → read`, async () => {
        const path = file(sample.name);
        await handler.write(path, sample.value);
        assertEqual(sample, await handler.read(path));
      });

      it(`writes the same bytes twice for sample "${sample.name}" (deterministic)`, async () => {
        const a = file(`${sample.name}-a`);
        const b = file(`${sample.name}-b`);
        await handler.write(a, sample.value);
        let copy: T = sample.value;
        try {
          copy = structuredClone(sample.value);
        } catch {
          // Values that cannot be cloned (class instances with methods) are written as-is.
        }
        await handler.write(b, copy);
        const [bytesA, bytesB] = await Promise.all([readFile(a), readFile(b)]);
        expect(bytesA.equals(bytesB), `two writes of sample ${sample.name} differ`).toBe(true);
        // Writing again over the existing file gives the same bytes too.
        await handler.write(a, sample.value);
        expect((await readFile(a)).equals(bytesB)).toBe(true);
      });
    }

    it('replaces an existing file and leaves no temporary files behind', async () => {
      const sub = join(dir, 'replace');
      const path = join(sub, `value.${extension}`);
      await handler.write(path, samples[0]!.value);
      const last = samples[samples.length - 1]!;
      await handler.write(path, last.value);
      assertEqual(last, await handler.read(path));
      expect(await readdir(sub)).toEqual([`value.${extension}`]);
    });

    it('rejects reading a missing file with an AeroError', async () => {
      const missing = join(dir, `does-not-exist.${extension}`);
      const error = await handler.read(missing).then(
        () => undefined,
        (e: unknown) => e,
      );
      expectAeroError(error, 'reading a missing file');
    });

    for (const bad of options.corrupt ?? []) {
      it(`rejects reading a corrupt file (${bad.name}) with an AeroError`, async () => {
        const path = file(`corrupt-${bad.name}`);
        await writeFile(path, bad.content);
        const error = await handler.read(path).then(
          () => undefined,
          (e: unknown) => e,
        );
        expectAeroError(error, `reading corrupt file ${bad.name}`);
      });
    }

    for (const bad of options.invalid ?? []) {
      it(`refuses to write an invalid value (${bad.name}) with an AeroError`, async () => {
        const sub = join(dir, `invalid-${++n}`);
        const path = join(sub, `value.${extension}`);
        const error = await handler.write(path, bad.value as T).then(
          () => undefined,
          (e: unknown) => e,
        );
        expectAeroError(error, `writing invalid value ${bad.name}`);
        const left = await readdir(sub).catch(() => []);
        expect(left).toEqual([]);
      });
    }

    it('describe() returns a small JSON-serializable object (when present)', (ctx) => {
      ctx.skip(!handler.describe, `${name} has no describe() (optional)`);
      for (const sample of samples) {
        const summary = handler.describe!(sample.value);
        expect(summary !== null && typeof summary === 'object' && !Array.isArray(summary), `describe(${sample.name}) must be an object`).toBe(true);
        const json = JSON.stringify(summary);
        expect(JSON.parse(json)).toEqual(summary);
        expect(json.length, `describe(${sample.name}) is meant to be a small summary`).toBeLessThan(64 * 1024);
        expect(JSON.stringify(handler.describe!(sample.value))).toBe(json);
      }
    });
  });
}
