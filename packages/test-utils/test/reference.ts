// Small, correct in-memory implementations used to prove the suites pass on a correct
// plugin; test/fixtures/*.fixture.ts break them one way each to prove the suites fail.
import { Readable } from 'node:stream';
import { AeroError, defineConfigLoader, type ActionInfo, type AssetHandler, type ConfigLoader, type MetricPoint, type PutOptions, type PutResult, type RunInfo, type Store, type Tracker, type TrackerScope } from '@aeroml/core';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TrackerReadBack, TrackedScope } from '../src/index.js';

async function toBuffer(body: Uint8Array | string | Readable): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export interface MemoryStoreHooks {
  /** Replace how a value is stored (to simulate non-atomic or racy stores). */
  put?(data: Map<string, Buffer>, key: string, body: Buffer, options: PutOptions): Promise<PutResult>;
  list?(data: Map<string, Buffer>, prefix: string): string[];
}

/** Every call returns a new client of the same backing map. */
export function memoryStoreFactory(hooks: MemoryStoreHooks = {}): () => Store {
  const data = new Map<string, Buffer>();
  // put and putFile store the same way (through hooks.put when a fixture breaks it).
  const store = async (key: string, buf: Buffer, options: PutOptions): Promise<PutResult> => {
    if (hooks.put) return hooks.put(data, key, buf, options);
    if (options.ifAbsent && data.has(key)) return { written: false };
    data.set(key, buf);
    return { written: true };
  };
  return () => ({
    kind: 'store',
    name: 'memory',
    version: '0.0.0',
    async has(key) {
      return data.has(key);
    },
    async get(key) {
      const value = data.get(key);
      if (!value) return null;
      const chunks: Buffer[] = [];
      for (let i = 0; i < value.length; i += 64 * 1024) chunks.push(value.subarray(i, i + 64 * 1024));
      return Readable.from(chunks);
    },
    async getBytes(key) {
      return data.get(key) ?? null;
    },
    async put(key, body, options = {}) {
      return store(key, await toBuffer(body), options);
    },
    async *list(prefix) {
      const keys = hooks.list ? hooks.list(data, prefix) : [...data.keys()].filter((k) => k.startsWith(prefix));
      for (const k of keys) yield k;
    },
    async delete(key) {
      data.delete(key);
    },
    async putFile(key, filePath, options = {}) {
      return store(key, await readFile(filePath), options);
    },
    async getFile(key, filePath) {
      const value = data.get(key);
      if (!value) return false;
      await mkdir(dirname(filePath), { recursive: true });
      await writeFile(`${filePath}.tmp`, value);
      await rename(`${filePath}.tmp`, filePath);
      return true;
    },
    async hasMany(keys) {
      return keys.map((k) => data.has(k));
    },
  });
}

interface Recorded {
  run: TrackedScope;
  actions: Record<string, TrackedScope>;
}

export interface MemoryTrackerHooks {
  /** Filter each batch before it is recorded (to simulate a lossy tracker). */
  batch?(batch: MetricPoint[], recordedSoFar: number): MetricPoint[];
}

export function memoryTracker(hooks: MemoryTrackerHooks = {}) {
  const runs = new Map<string, Recorded>();
  const scopeOf = (scope: TrackerScope): TrackedScope => {
    const run = runs.get(scope.runId);
    if (!run) throw new Error(`unknown run ${scope.runId}`);
    if (!scope.instanceId) return run.run;
    return (run.actions[scope.instanceId] ??= { params: {}, tags: {}, metrics: [], artifacts: [] });
  };
  let total = 0;
  const factory = (): Tracker => ({
    kind: 'tracker',
    name: 'memory',
    version: '0.0.0',
    async startRun(run: RunInfo) {
      runs.set(run.runId, { run: { params: structuredClone(run.params), tags: { ...run.tags }, metrics: [], status: 'running' }, actions: {} });
    },
    async startAction(action: ActionInfo) {
      const s = scopeOf({ runId: action.runId, instanceId: action.instanceId });
      Object.assign(s.params, structuredClone(action.params));
    },
    async logParams(scope, params) {
      Object.assign(scopeOf(scope).params, structuredClone(params));
    },
    async logMetrics(scope, batch) {
      const kept = hooks.batch ? hooks.batch(batch, total) : batch;
      total += kept.length;
      const s = scopeOf(scope);
      s.metrics.push(...kept.map((m) => ({ ...m })));
    },
    async logArtifact(scope, ref, direction) {
      (scopeOf(scope).artifacts ??= []).push({ direction, name: ref.name, digest: ref.digest });
    },
    async setTags(scope, tags) {
      Object.assign(scopeOf(scope).tags, tags);
    },
    async endAction(scope, result) {
      scopeOf(scope).status = result.status;
    },
    async endRun(scope, result) {
      scopeOf(scope).status = result.status;
    },
    async flush() {},
    async close() {},
  });
  const readBack = ({ run }: { run: RunInfo }): TrackerReadBack => {
    const recorded = runs.get(run.runId);
    if (!recorded) throw new Error(`run ${run.runId} was not recorded`);
    const sortByStep = (s: TrackedScope): TrackedScope => ({ ...s, metrics: [...s.metrics].sort((a, b) => a.name.localeCompare(b.name) || a.step - b.step) });
    return { run: sortByStep(recorded.run), actions: Object.fromEntries(Object.entries(recorded.actions).map(([k, v]) => [k, sortByStep(v)])) };
  };
  return { factory, readBack };
}

export interface LinesHandlerHooks {
  /** Text appended to every write (to simulate a non-deterministic handler). */
  stamp?(): string;
  /** Error thrown for a missing file (to simulate a handler leaking raw errors). */
  missing?(path: string, cause: unknown): Error;
}

/** Reads and writes `string[]` as newline-terminated lines; a NUL byte is corrupt. */
export function linesHandler(hooks: LinesHandlerHooks = {}): AssetHandler<string[]> {
  return {
    kind: 'handler',
    name: 'lines',
    version: '0.0.0',
    extensions: ['lines', 'txt'],
    async read(path) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (cause) {
        throw hooks.missing ? hooks.missing(path, cause) : new AeroError('LINES_READ_FAILED', `Cannot read ${path}.`, { cause });
      }
      if (text.includes('\0')) throw new AeroError('LINES_CORRUPT', `${path} contains a NUL byte.`);
      if (hooks.stamp) text = text.slice(0, text.lastIndexOf('#'));
      return text === '' ? [] : text.slice(0, -1).split('\n');
    },
    async write(path, value) {
      if (!Array.isArray(value) || value.some((l) => typeof l !== 'string' || l.includes('\n'))) {
        throw new AeroError('LINES_VALUE_INVALID', 'lines handler writes arrays of single-line strings.');
      }
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.tmp-${process.pid}`;
      await writeFile(tmp, value.map((l) => `${l}\n`).join('') + (hooks.stamp ? `#${hooks.stamp()}` : ''));
      await rename(tmp, path);
    },
    describe(value) {
      return { lines: value.length };
    },
  };
}

export interface JsonConfigHooks {
  /** Apply overrides to the parsed file kept from the first load (a state leak between loads). */
  keepParsed?: boolean;
  /** Let JSON.parse's own SyntaxError escape instead of an AeroError. */
  rawParseErrors?: boolean;
}

/** `config.json` plus `key.path=value` overrides (values parsed as JSON, else strings). */
export function jsonConfig(hooks: JsonConfigHooks = {}): ConfigLoader {
  return defineConfigLoader({
    name: 'json',
    packageName: '@aeroml/test-utils-reference',
    version: '0.0.0',
    setup: () => {
      let kept: Record<string, unknown> | undefined;
      return {
        async load({ cwd, overrides }) {
          const text = await readFile(join(cwd, 'config.json'), 'utf8').catch(() => {
            throw new AeroError('CONFIG_NOT_FOUND', `config.json not found in ${cwd}.`);
          });
          let params: Record<string, unknown>;
          if (hooks.keepParsed && kept) params = kept;
          else {
            try {
              params = JSON.parse(text) as Record<string, unknown>;
            } catch (error) {
              if (hooks.rawParseErrors) throw error;
              throw new AeroError('CONFIG_INVALID', `config.json: invalid JSON: ${(error as Error).message}.`, { cause: error });
            }
            kept = params;
          }
          if (!hooks.keepParsed) params = structuredClone(params);
          for (const override of overrides) {
            const eq = override.indexOf('=');
            const path = override.slice(0, eq).split('.');
            let node = params;
            for (const [i, key] of path.entries()) {
              if (!(key in node)) throw new AeroError('OVERRIDE_INVALID', `Cannot apply \`${override}\`: \`${path.slice(0, i + 1).join('.')}\` is not in config.json.`);
              if (i === path.length - 1) {
                const raw = override.slice(eq + 1);
                try {
                  node[key] = JSON.parse(raw);
                } catch {
                  node[key] = raw;
                }
              } else node = node[key] as Record<string, unknown>;
            }
          }
          return { params, sources: [{ file: 'config.json', content: text }] };
        },
      };
    },
  })();
}
