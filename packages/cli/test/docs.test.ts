import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { aeroCommands, markdownBlocks as blocks } from '@aeroml/test-utils';
import { describe, expect, it } from 'vitest';
import { aero, makeProject, plainEnv } from './helpers.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

// Every `ts example` block is a complete aero.config.ts; the `sh` block after it (if any)
// is run command by command against it. Docs examples never drift from the code.
const DOCS = ['README.md', 'docs/getting-started.md', 'docs/plugins/authoring.md'];

describe('docs examples run', () => {
  for (const doc of DOCS) {
    it(`${doc}: every example config runs, with the commands shown after it`, async () => {
      const all = blocks(await readFile(join(REPO, doc), 'utf8'));
      const examples = all.map((b, i) => ({ ...b, i })).filter((b) => b.info === 'ts example');
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        const dir = await makeProject('doc', { 'aero.config.ts': example.code });
        const next = all[example.i + 1];
        const commands = next?.info === 'sh' ? aeroCommands(next.code) : [['run']];
        for (const args of commands) {
          const r = await aero(dir, ...args);
          expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
        }
      }
    });
  }

  it('docs/plugins/authoring.md: the option errors it shows are the ones a user gets', async () => {
    const example = blocks(await readFile(join(REPO, 'docs/plugins/authoring.md'), 'utf8')).find((b) => b.info === 'ts example')!;
    const call = 'linesHandler({ eol: \'lf\' })';
    expect(example.code).toContain(call);
    const cases: Array<[string, string]> = [
      ["linesHandler({ eol: 'cr' } as never)", '[aero] [aero-handler-lines] PLUGIN_OPTIONS_INVALID: Invalid options for linesHandler():\n  - `eol`: Invalid option: expected one of "lf"|"crlf"'],
      ["linesHandler({ eoll: 'lf' } as never)", '[aero] [aero-handler-lines] PLUGIN_OPTIONS_INVALID: Invalid options for linesHandler():\n  - `eoll`: unknown option. Did you mean `eol`?'],
    ];
    for (const [replacement, message] of cases) {
      const dir = await makeProject('authoring', { 'aero.config.ts': example.code.replace(call, replacement) });
      const r = await aero(dir, 'run');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('docs/concepts.md: the embedding example runs against the getting-started project', async () => {
    const all = blocks(await readFile(join(REPO, 'docs/concepts.md'), 'utf8'));
    const embed = all.find((b) => b.info === 'ts example-embed');
    expect(embed).toBeDefined();
    const started = blocks(await readFile(join(REPO, 'docs/getting-started.md'), 'utf8')).find((b) => b.info === 'ts example')!;
    const dir = await makeProject('embed', { 'aero.config.ts': started.code, 'embed.ts': embed!.code });
    const { spawnSync } = await import('node:child_process');
    const script = `import { createJiti } from 'jiti'; const jiti = createJiti(${JSON.stringify(join(dir, 'x.js'))}); await jiti.import(${JSON.stringify(join(dir, 'embed.ts'))});`;
    await writeFile(join(dir, 'run-embed.mjs'), script);
    const r = spawnSync(process.execPath, [join(dir, 'run-embed.mjs')], { cwd: dir, encoding: 'utf8', env: plainEnv() });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('run:start');
    expect(r.stdout).toContain("succeeded { ran: 2, cached: 0, failed: 0, skipped: 0, interrupted: 0 }");
  });
});
