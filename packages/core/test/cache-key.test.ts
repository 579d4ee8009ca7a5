import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeChange } from '../src/cache/change.js';
import { CacheKeyer } from '../src/cache/key.js';
import { Fingerprinter } from '../src/fingerprint.js';
import { defineAction, digestOf, plan, type AssetHandler } from '../src/index.js';
import { jsonHandler } from './fixtures.js';

const action = defineAction({
  name: 'k',
  version: '7',
  partitions: { s: ['x', 'y'] },
  params: z.object({ b: z.number().default(2), a: z.string().default('z') }),
  outputs: { o: { handler: 'json', path: '{s}/o.json' } },
  run() {},
});

async function keyer(handlers: Map<string, AssetHandler> = new Map([['json', jsonHandler()]])) {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-cache-key-'));
  return { keyer: new CacheKeyer(new Fingerprinter(cwd), handlers), handlers };
}

const instances = (params: Record<string, unknown> = {}) =>
  plan([action], { params, handlers: new Map([['json', jsonHandler()]]) }).instances;

describe('cache/key: CacheKeyer', () => {
  it('is the sha256 of the canonical JSON of the components, for every instance of an action', async () => {
    const { keyer: k } = await keyer();
    for (const inst of instances()) {
      const { key, components } = await k.key(inst, { in: ['d2', 'd1'] });
      expect(key).toBe(digestOf(components));
      expect(components).toEqual({
        action: 'k',
        code: components.code,
        codeFiles: components.codeFiles,
        params: { a: 'z', b: 2 },
        inputs: { in: ['d2', 'd1'] },
        partition: inst.partition,
        outputs: { o: `${inst.partition!.s}/o.json|json@1.0.0` },
      });
    }
  });

  it('changes with params, inputs, partition and handler version, and not otherwise', async () => {
    const { keyer: k, handlers } = await keyer();
    const [x, y] = instances();
    const base = (await k.key(x!, { in: ['d1'] })).key;
    expect((await k.key(x!, { in: ['d1'] })).key).toBe(base);
    expect((await k.key(y!, { in: ['d1'] })).key).not.toBe(base);
    expect((await k.key(x!, { in: ['d2'] })).key).not.toBe(base);
    const [x2] = instances({ k: { b: 3 } });
    // A new keyer: the per-action parts are canonicalised once per keyer (one project load).
    expect((await (await keyer()).keyer.key(x2!, { in: ['d1'] })).key).not.toBe(base);
    const newer = await keyer(new Map([['json', { ...handlers.get('json')!, version: '1.0.1' }]]));
    expect((await newer.keyer.key(x!, { in: ['d1'] })).key).not.toBe(base);
  });
});

describe('cache/change: describeChange', () => {
  it('names each changed component, params down to the dot path', async () => {
    const { keyer: k } = await keyer();
    const [x] = instances();
    const [x2] = instances({ k: { b: 5 } });
    const before = await k.components(x!, { in: ['d1'] });
    const after = { ...(await k.components(x2!, { in: ['d9'] })), code: 'other', codeFiles: {} };
    expect(describeChange(before, after)).toEqual(['code changed', 'params changed (b: 2 → 5)', 'input `in` changed']);
    expect(describeChange(before, before)).toEqual([]);
  });
});
