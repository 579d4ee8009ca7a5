// A child process for crash.test.ts: runs a fan of actions into a directory store; every
// action after the first `fast` ones waits until the file `<dir>/go` exists, so the parent
// can kill -9 this process while some instances are done and others are running.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAero, defineAction, defineConfig } from '../../src/index.js';
import { dirStore } from '../dir-store.js';
import { jsonHandler } from '../fixtures.js';

export function crashPipeline(dir: string, total: number, fast: number) {
  return Array.from({ length: total }, (_, i) =>
    defineAction({
      name: `a${i}`,
      version: '1',
      outputs: { o: { handler: 'json' } },
      async run({ outputs }) {
        if (i >= fast) while (!existsSync(join(dir, 'go'))) await new Promise((r) => setTimeout(r, 10));
        await outputs.o.write({ i });
        writeFileSync(join(dir, 'done', `a${i}`), '');
      },
    }),
  );
}

export async function main(dir: string, total: number, fast: number): Promise<void> {
  const aero = await createAero({
    cwd: dir,
    config: defineConfig({ actions: crashPipeline(dir, total, fast), concurrency: 8, plugins: [dirStore(join(dir, '.aero')), jsonHandler()] }),
  });
  await aero.run();
}
