import { readFile, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAero, defineAction, defineConfig, defineHandler } from '../src/index.js';
import { dirStore } from './dir-store.js';

/** A handler whose option changes the bytes it writes, as a csv delimiter does. */
const separated = defineHandler({
  name: 'separated',
  packageName: '@acme/separated',
  version: '1.0.0',
  options: z.strictObject({ separator: z.string().default(',') }),
  setup: ({ separator }) => ({
    extensions: ['txt'],
    read: async (path: string) => (await readFile(path, 'utf8')).split(separator),
    write: async (path: string, value: string[]) => writeFile(path, value.join(separator)),
  }),
});

const table = defineAction({
  name: 'table',
  version: '1',
  outputs: { t: { handler: 'separated' } },
  async run({ outputs }) {
    await outputs.t.write(['a', 'b']);
  },
});

describe("a handler's options in the cache key", () => {
  it('another option reruns the outputs it writes; the defaults, given or not, are the same key', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'aero-handler-options-'));
    const runWith = async (handler: ReturnType<typeof separated>) =>
      (await createAero({ cwd, config: defineConfig({ actions: [table], plugins: [dirStore(join(cwd, '.aero')), handler] }) })).run();
    expect((await runWith(separated())).counts).toMatchObject({ ran: 1 });
    expect((await runWith(separated({ separator: ',' }))).counts).toMatchObject({ ran: 0, cached: 1 });
    const semicolon = await runWith(separated({ separator: ';' }));
    expect(semicolon.counts).toMatchObject({ ran: 1, cached: 0 });
    // Other bytes, so another artifact version.
    expect(semicolon.record.actions[0]!.outputs!.t).not.toBe((await runWith(separated())).record.actions[0]!.outputs!.t);
    expect((await runWith(separated({ separator: ';' }))).counts).toMatchObject({ ran: 0, cached: 1 });
  });
});
