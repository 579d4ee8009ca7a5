import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAero, defineAction, defineConfig, type Action } from '../src/index.js';
import { jsonHandler, memoryStore } from './fixtures.js';

// A handler's read or write that throws something other than an AeroError is reported
// as HANDLER_FAILED, naming the handler, the action, the input or output and the file.
async function runActions(actions: Action[]) {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-handler-'));
  const aero = await createAero({ cwd, config: defineConfig({ actions, plugins: [memoryStore(), jsonHandler()] }) });
  return aero.run({ keepGoing: true });
}

describe('HANDLER_FAILED', () => {
  it('is raised when a handler cannot write the value', async () => {
    const big = defineAction({
      name: 'big',
      outputs: { o: { handler: 'json' } },
      async run({ outputs }) {
        await outputs.o.write({ n: 10n });
      },
    });
    const summary = await runActions([big]);
    const error = summary.record.actions[0]!.error!;
    expect(error.code).toBe('HANDLER_FAILED');
    expect(error.message).toMatch(/^Handler `json` could not write output `o` of `big` \(\.aero\/runs\/.*\/out\/o\/o\.json\): Do not know how to serialize a BigInt$/);
    expect(error.hint).toMatch(/^Check that the value given to `write\(\)` is one the `json` handler can encode \(see its README\)\. \(the log is /);
  });

  it('is raised when a handler cannot read an input file', async () => {
    const bad = defineAction({
      name: 'bad',
      outputs: { o: { handler: 'json' } },
      async run({ outputs }) {
        await writeFile(outputs.o.path, '{ not json');
      },
    });
    const reader = defineAction({
      name: 'reader',
      inputs: { data: bad.output('o') },
      async run({ inputs }) {
        await inputs.data.read();
      },
    });
    const summary = await runActions([bad, reader]);
    const error = summary.record.actions.find((a) => a.id === 'reader')!.error!;
    expect(error.code).toBe('HANDLER_FAILED');
    expect(error.message).toMatch(/^Handler `json` could not read input `data` of `reader` \(\.aero\/runs\/.*\/o\.json\): /);
    expect(error.message).toContain('JSON');
  });
});
