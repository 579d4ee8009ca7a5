import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defineConfigLoader,
  defineHandler,
  defineLauncher,
  defineStore,
  defineTracker,
  parsePluginOptions,
  pluginOptionsError,
  type StoreMembers,
} from '../src/index.js';
import { caught } from './caught.js';

const identity = { packageName: '@acme/aero-kit', version: '1.2.3' };

const mountsSchema = z
  .object({
    bucket: z.string(),
    retries: z.number().int().min(0).default(3),
    mounts: z.array(z.object({ source: z.string(), target: z.string() }).strict()).default([]),
  })
  .strict();

describe('parsePluginOptions', () => {
  it('returns the parsed options with defaults filled', () => {
    expect(parsePluginOptions(mountsSchema, { bucket: 'b' }, '@acme/aero-kit')).toEqual({ bucket: 'b', retries: 3, mounts: [] });
  });

  it('lists every problem on its own line with its dot path, one PLUGIN_OPTIONS_INVALID scoped to the package', () => {
    const error = caught(() => parsePluginOptions(mountsSchema, { retries: -1, mounts: [{ source: 3, target: '/x' }] }, { packageName: '@acme/aero-kit', factory: 'acmeStore' }));
    expect(error.code).toBe('PLUGIN_OPTIONS_INVALID');
    expect(error.plugin).toBe('@acme/aero-kit');
    expect(error.message).toBe(
      [
        'Invalid options for acmeStore():',
        '  - `bucket`: required (expected string)',
        '  - `retries`: Too small: expected number to be >=0',
        '  - `mounts.0.source`: expected string, received number',
      ].join('\n'),
    );
    expect(error.hint).toBe('Fix the listed options where acmeStore() is created in aero.config.ts; the Options section of the @acme/aero-kit README lists every option.');
    expect(error.details).toEqual({
      issues: [
        { path: 'bucket', message: 'required (expected string)' },
        { path: 'retries', message: 'Too small: expected number to be >=0' },
        { path: 'mounts.0.source', message: 'expected string, received number' },
      ],
    });
  });

  it('refuses unknown keys, nested ones too, with the nearest valid name', () => {
    const error = caught(() => parsePluginOptions(mountsSchema, { bucket: 'b', retires: 2, mounts: [{ source: 's', target: 't', tagret: 'u' }], zzzzzz: 1 }, '@acme/aero-kit'));
    expect(error.message).toBe(
      [
        'Invalid options for @acme/aero-kit:',
        '  - `mounts.0.tagret`: unknown option. Did you mean `target`?',
        '  - `retires`: unknown option. Did you mean `retries`?',
        '  - `zzzzzz`: unknown option.',
      ].join('\n'),
    );
  });

  it('finds suggestions through defaults, optionals, pipes and unions', () => {
    const schema = z
      .object({
        s3: z.union([z.object({ endpoint: z.string() }).strict(), z.object({ region: z.string() }).strict()]).optional(),
        cache: z.object({ dir: z.string() }).strict().default({ dir: '/tmp' }),
      })
      .strict()
      .transform((o) => o);
    const error = caught(() => parsePluginOptions(schema, { cache: { dri: 'x' } }, '@acme/aero-kit'));
    expect(error.message).toContain('`cache.dri`: unknown option. Did you mean `dir`?');
  });

  it('reports inside the union member a value was meant for', () => {
    const schema = z.object({ mounts: z.array(z.union([z.string(), z.object({ source: z.string(), target: z.string().optional() }).strict()])) }).strict();
    expect(caught(() => parsePluginOptions(schema, { mounts: ['/a:/b', { source: 1 }] }, '@acme/aero-kit')).message).toBe('Invalid options for @acme/aero-kit:\n  - `mounts.1.source`: expected string, received number');
    expect(caught(() => parsePluginOptions(schema, { mounts: [{ source: '/a', tagret: '/b' }] }, '@acme/aero-kit')).message).toBe('Invalid options for @acme/aero-kit:\n  - `mounts.0.tagret`: unknown option. Did you mean `target`?');
    // Neither member fits a number: zod's own union message stays.
    expect(caught(() => parsePluginOptions(schema, { mounts: [3] }, '@acme/aero-kit')).message).toBe('Invalid options for @acme/aero-kit:\n  - `mounts.0`: Invalid input');
  });

  it('names the options object itself when the whole value is wrong', () => {
    const error = caught(() => parsePluginOptions(mountsSchema, 'bucket', '@acme/aero-kit'));
    expect(error.message).toBe('Invalid options for @acme/aero-kit:\n  - `(options)`: expected object, received string');
  });

  it('pluginOptionsError renders problems found outside the schema the same way', () => {
    const error = pluginOptionsError({ packageName: '@acme/aero-kit', factory: 'acme' }, [{ path: 'maxDelayMs', message: 'must be >= delayMs (100)' }]);
    expect(error.code).toBe('PLUGIN_OPTIONS_INVALID');
    expect(error.message).toBe('Invalid options for acme():\n  - `maxDelayMs`: must be >= delayMs (100)');
  });
});

function memoryStoreMembers(): StoreMembers {
  const data = new Map<string, Buffer>();
  return {
    async has(key) {
      return data.has(key);
    },
    async get(key) {
      const bytes = data.get(key);
      return bytes ? Readable.from([bytes]) : null;
    },
    async put(key, body, options) {
      if (options?.ifAbsent && data.has(key)) return { written: false };
      data.set(key, Buffer.from(typeof body === 'string' || body instanceof Uint8Array ? body : ''));
      return { written: true };
    },
    async *list(prefix) {
      for (const key of data.keys()) if (key.startsWith(prefix)) yield key;
    },
    async delete(key) {
      data.delete(key);
    },
  };
}

describe('defineStore', () => {
  const memoryStore = defineStore({ name: 'memory', ...identity, factory: 'memoryStore', options: z.object({ label: z.string().optional() }).strict(), setup: () => memoryStoreMembers() });

  it('fills kind, name, version, packageName and a getBytes built on get', async () => {
    const store = memoryStore();
    expect([store.kind, store.name, store.version, store.packageName]).toEqual(['store', 'memory', '1.2.3', '@acme/aero-kit']);
    await store.put('a/b', 'hello');
    expect(Buffer.from((await store.getBytes('a/b'))!).toString()).toBe('hello');
    expect(await store.getBytes('missing')).toBeNull();
  });

  it('validates the options through parsePluginOptions', () => {
    const error = caught(() => memoryStore({ lable: 'x' } as never));
    expect(error.code).toBe('PLUGIN_OPTIONS_INVALID');
    expect(error.message).toBe('Invalid options for memoryStore():\n  - `lable`: unknown option. Did you mean `label`?');
  });

  it('refuses a store without get, naming the plugin and the method', () => {
    const broken = defineStore({ name: 'broken', ...identity, setup: () => ({ ...memoryStoreMembers(), get: undefined }) as unknown as StoreMembers });
    const error = caught(() => broken());
    expect(error.code).toBe('PLUGIN_INVALID');
    expect(error.plugin).toBe('@acme/aero-kit');
    expect(error.message).toBe('the store `broken` of @acme/aero-kit is not a complete store: it has no `get` method (a store needs has, get, getBytes, put, list, delete).');
  });

  it('keeps a class instance (its prototype methods and fields)', async () => {
    class ClassStore {
      readonly kind = 'store' as const;
      readonly members = memoryStoreMembers();
      has(key: string) { return this.members.has(key); }
      get(key: string) { return this.members.get(key); }
      put(key: string, body: string) { return this.members.put(key, body); }
      list(prefix: string) { return this.members.list(prefix); }
      delete(key: string) { return this.members.delete(key); }
    }
    const classStore = defineStore({ name: 'class', ...identity, setup: () => new ClassStore() });
    const store = classStore();
    expect(store).toBeInstanceOf(ClassStore);
    await store.put('k', 'v');
    expect(await store.has('k')).toBe(true);
    expect(store.version).toBe('1.2.3');
  });

  it('refuses an object whose identity contradicts its definition (a stale version literal)', () => {
    const stale = defineStore({ name: 'stale', ...identity, setup: () => ({ ...memoryStoreMembers(), version: '0.1.0' }) });
    expect(caught(() => stale()).message).toBe('the store `stale` of @acme/aero-kit sets `version` to "0.1.0", but its definition says "1.2.3".');
  });

  it('refuses an optional member that is not a function', () => {
    const bad = defineStore({ name: 'bad', ...identity, setup: () => ({ ...memoryStoreMembers(), hasMany: true }) as unknown as StoreMembers });
    expect(caught(() => bad()).message).toBe('the store `bad` of @acme/aero-kit has `hasMany` that is not a function.');
  });

  it('refuses any options when the definition has none', () => {
    const plain = defineStore({ name: 'plain', ...identity, setup: () => memoryStoreMembers() });
    expect(plain().name).toBe('plain');
    expect(caught(() => plain({ root: '/x' } as never)).message).toBe('Invalid options for plain():\n  - `root`: unknown option.');
  });

  it('refuses a definition without a version', () => {
    const error = caught(() => defineStore({ name: 'nover', packageName: '@acme/aero-kit', version: '', setup: () => memoryStoreMembers() }));
    expect(error.code).toBe('PLUGIN_INVALID');
    expect(error.message).toBe('defineStore() needs a non-empty `version` (got "").');
  });
});

describe('defineTracker', () => {
  const calls: string[] = [];
  const done = (name: string) => async () => void calls.push(name);
  const members = { startRun: done('startRun'), startAction: done('startAction'), logMetrics: done('logMetrics'), logArtifact: done('logArtifact'), endAction: done('endAction'), endRun: done('endRun') };

  it('fills no-op flush and close, and leaves logParams/setTags absent (the engine never calls them)', async () => {
    const tracker = defineTracker({ name: 'calls', ...identity, setup: () => ({ ...members }) })();
    await tracker.flush();
    await tracker.close();
    expect(tracker.kind).toBe('tracker');
    expect(tracker.setTags).toBeUndefined();
    expect(tracker.logParams).toBeUndefined();
  });

  it('keeps a flush the tracker has', async () => {
    const tracker = defineTracker({ name: 'flushing', ...identity, setup: () => ({ ...members, flush: done('flush') }) })();
    await tracker.flush();
    expect(calls).toContain('flush');
  });

  it('refuses a tracker without endRun', () => {
    const { endRun: _drop, ...rest } = members;
    const error = caught(() => defineTracker({ name: 'half', ...identity, setup: () => rest as never })());
    expect(error.message).toBe('the tracker `half` of @acme/aero-kit is not a complete tracker: it has no `endRun` method (a tracker needs startRun, startAction, logMetrics, logArtifact, endAction, endRun, flush, close).');
  });
});

describe('defineHandler', () => {
  const text = defineHandler({
    name: 'upper',
    ...identity,
    options: z.object({ suffix: z.string().default('') }).strict(),
    setup: (o) => ({ extensions: ['up'], read: async (path: string) => path + o.suffix, write: async () => {} }),
  });

  it('passes parsed options to setup and fills identity', async () => {
    const handler = text({ suffix: '!' });
    expect(handler.kind).toBe('handler');
    expect(await handler.read('p')).toBe('p!');
  });

  it('carries a digest of options that are not the defaults (they go into cache keys)', () => {
    expect(text().optionsDigest).toBeUndefined();
    expect(text({ suffix: '' }).optionsDigest).toBeUndefined(); // the defaults, spelled out
    expect(text({ suffix: '!' }).optionsDigest).toMatch(/^[0-9a-f]{16}$/);
    expect(text({ suffix: '!' }).optionsDigest).toBe(text({ suffix: '!' }).optionsDigest);
    expect(text({ suffix: '?' }).optionsDigest).not.toBe(text({ suffix: '!' }).optionsDigest);
    // A function option counts by its source text.
    const mapped = defineHandler({ name: 'mapped', ...identity, options: z.object({ map: z.custom<(x: string) => string>((v) => typeof v === 'function').optional() }), setup: () => ({ extensions: ['m'], read: async () => '', write: async () => {} }) });
    expect(mapped({ map: (x: string) => x.toUpperCase() }).optionsDigest).not.toBe(mapped({ map: (x: string) => x.toLowerCase() }).optionsDigest);
  });

  it('refuses extensions with a dot', () => {
    const dotted = defineHandler({ name: 'dotted', ...identity, setup: () => ({ extensions: ['.txt'], read: async () => '', write: async () => {} }) });
    expect(caught(() => dotted()).message).toBe('the handler `dotted` of @acme/aero-kit needs `extensions`: a non-empty list of file extensions without the dot (got [".txt"]).');
  });
});

describe('defineLauncher and defineConfigLoader', () => {
  it('refuses a launcher without cancel', () => {
    const error = caught(() => defineLauncher({ name: 'nocancel', ...identity, setup: () => ({ submit: () => [] }) as never })());
    expect(error.message).toContain('it has no `cancel` method (a launcher needs submit, cancel)');
  });

  it('refuses a maxConcurrency of 0', () => {
    const error = caught(() => defineLauncher({ name: 'zero', ...identity, setup: () => ({ submit: () => [], cancel: async () => {}, maxConcurrency: 0 }) })());
    expect(error.message).toBe('the launcher `zero` of @acme/aero-kit has `maxConcurrency` 0; it must be a positive integer or absent.');
  });

  it('builds a config loader and refuses one without load', async () => {
    const loader = defineConfigLoader({ name: 'static', ...identity, setup: () => ({ load: async () => ({ params: { a: 1 }, sources: [] }) }) })();
    expect(loader.kind).toBe('config');
    expect((await loader.load({ cwd: '.', overrides: [], base: {} })).params).toEqual({ a: 1 });
    const error = caught(() => defineConfigLoader({ name: 'empty', ...identity, setup: () => ({}) as never })());
    expect(error.message).toBe('the config `empty` of @acme/aero-kit is not a complete config: it has no `load` method (a config needs load).');
  });
});

describe('parsePluginOptions for options given per call', () => {
  it('names what the options are instead of a factory', () => {
    const error = caught(() => parsePluginOptions(z.object({ level: z.number().optional() }).strict(), { levle: 1 }, { packageName: '@acme/aero-kit', subject: 'write options of the acme handler' }));
    expect(error.message).toBe('Invalid write options of the acme handler:\n  - `levle`: unknown option. Did you mean `level`?');
    expect(error.hint).toBe('Fix the listed write options of the acme handler; the Options section of the @acme/aero-kit README lists every option.');
  });
});

describe('a name taken from the options', () => {
  it('names each instance as its options say', () => {
    const named = defineConfigLoader({
      name: (o) => o.name,
      ...identity,
      factory: 'namedLoader',
      options: z.object({ name: z.string().default('named') }).strict(),
      setup: () => ({ load: async () => ({ params: {}, sources: [] }) }),
    });
    expect(named().name).toBe('named');
    expect(named({ name: 'second' }).name).toBe('second');
    expect(caught(() => named({ nmae: 'x' } as never)).message).toBe('Invalid options for namedLoader():\n  - `nmae`: unknown option. Did you mean `name`?');
  });
});
