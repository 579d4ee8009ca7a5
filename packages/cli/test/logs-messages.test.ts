import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aero, makeProject, refused, startAero, statuses, waitFor } from './helpers.js';

// What `aero logs` says when there is no log to print, and when the action is missing:
// each message says what is true, and each command a hint names is run here and works.

/** fast → slow: slow logs a line, then waits for a marker file `go` in the project. */
const WAITING = `import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineAction, defineConfig } from '@aeroml/core';
import { z } from 'zod';
const fast = defineAction({ name: 'fast', outputs: { o: { handler: 'text' } }, async run({ outputs, log }) { log.info('fast done'); await outputs.o.write('fast'); } });
const slow = defineAction({
  name: 'slow', params: z.object({ tries: z.number().default(1) }), inputs: { i: fast.output('o') }, outputs: { o: { handler: 'text' } },
  async run({ inputs, outputs, cwd, log }) {
    log.info('slow started');
    while (!existsSync(join(cwd, 'go'))) await new Promise((r) => setTimeout(r, 20));
    await outputs.o.write((await inputs.i.read()) + '+slow');
  },
});
export default defineConfig({ actions: [fast, slow] });
`;

/** prep (logs) and quiet (logs nothing) → boom (throws). */
const FAILING = `import { defineAction, defineConfig } from '@aeroml/core';
const prep = defineAction({ name: 'prep', outputs: { o: { handler: 'text' } }, async run({ outputs, log }) { log.info('prepared'); await outputs.o.write('p'); } });
const quiet = defineAction({ name: 'quiet', outputs: { o: { handler: 'text' } }, async run({ outputs }) { await outputs.o.write('q'); } });
const boom = defineAction({
  name: 'boom', inputs: { p: prep.output('o'), q: quiet.output('o') }, outputs: { o: { handler: 'text' } },
  async run() { throw new Error('kaboom'); },
});
export default defineConfig({ actions: [prep, quiet, boom] });
`;

async function startWaiting(name: string): Promise<{ dir: string; runId: string; run: ReturnType<typeof startAero> }> {
  const dir = await makeProject(name, { 'aero.config.ts': WAITING });
  const run = startAero(dir, ['run']);
  await waitFor(() => run.output().includes('slow | slow started'), 'the slow action to start');
  const [runId] = await readdir(join(dir, '.aero/runs'));
  return { dir, runId: runId!, run };
}

describe('aero logs of an instance that has no log yet, or never will', () => {
  it('a run in progress: the log is written when the instance finishes, and the hinted `aero logs` prints it then (exit 0)', async () => {
    const { dir, runId, run } = await startWaiting('logs-running');
    const early = await aero(dir, 'logs', 'latest', 'slow');
    expect(early).toEqual({
      code: 0,
      stdout: '',
      stderr: `[aero] \`slow\` in run ${runId} has not finished yet, so it has no log: an instance's log is written when it finishes. Run \`aero logs ${runId} slow\` again then.\n`,
    });
    await writeFile(join(dir, 'go'), '');
    expect((await run.result).code).toBe(0);
    // The hinted command, once the instance finished.
    const later = await aero(dir, 'logs', runId, 'slow');
    expect({ code: later.code, stderr: later.stderr }).toEqual({ code: 0, stderr: '' });
    expect(later.stdout).toContain('slow started');

    // A finished run without the action: the hint names its first instance, and works.
    const hint = `\`aero logs latest fast\` prints the log of \`fast\`, the first instance of run ${runId}; \`aero show latest\` lists its instances.`;
    expect(await refused(dir, 'logs', 'latest')).toBe(`[aero] USAGE_INVALID: \`aero logs\` needs a run and an action: \`aero logs RUN ACTION\`.\n  hint: ${hint}\n`);
    const first = await aero(dir, 'logs', 'latest', 'fast');
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.stdout).toContain('fast done');
    const show = await aero(dir, 'show', 'latest');
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^ {2}slow +ran/m);
  });

  it('a run killed with -9 is interrupted: the instance never finished, so it has no log; the hinted `aero run` runs it again (exit 0)', async () => {
    const { dir, runId, run } = await startWaiting('logs-killed');
    run.child.kill('SIGKILL');
    await run.result;
    expect((await aero(dir, 'ps', '--json')).stdout).toContain('"status":"interrupted"');
    const message = `[aero] \`slow\` in run ${runId} has no log: the run was interrupted before \`slow\` finished. \`aero run\` runs it again.\n`;
    expect(await aero(dir, 'logs', 'latest', 'slow')).toEqual({ code: 0, stdout: '', stderr: message });
    expect(await aero(dir, 'logs', runId, 'slow')).toEqual({ code: 0, stdout: '', stderr: message });

    // The hinted command.
    await writeFile(join(dir, 'go'), '');
    const again = await aero(dir, 'run');
    expect(again.code, again.stderr).toBe(0);
    expect(statuses(again.stdout).slow).toBe('ran');
    const logs = await aero(dir, 'logs', 'latest', 'slow');
    expect({ code: logs.code, stderr: logs.stderr }).toEqual({ code: 0, stderr: '' });
    expect(logs.stdout).toContain('slow started');
  });

  it('a killed run started with overrides: the hint reruns it with them (`aero run --from RUN`)', async () => {
    const dir = await makeProject('logs-killed-overrides', { 'aero.config.ts': WAITING });
    const run = startAero(dir, ['run', 'slow.tries=2']);
    await waitFor(() => run.output().includes('slow | slow started'), 'the slow action to start');
    const [runId] = await readdir(join(dir, '.aero/runs'));
    run.child.kill('SIGKILL');
    await run.result;
    expect(await aero(dir, 'logs', 'latest', 'slow')).toEqual({
      code: 0,
      stdout: '',
      stderr: `[aero] \`slow\` in run ${runId} has no log: the run was interrupted before \`slow\` finished. \`aero run --from ${runId}\` runs it again.\n`,
    });
    await writeFile(join(dir, 'go'), '');
    const again = await aero(dir, 'run', '--from', runId!);
    expect(again.code, again.stderr).toBe(0);
    expect(statuses(again.stdout).slow).toBe('ran');
  });
});

describe('aero logs of a finished instance without a log, and without the action', () => {
  it('an instance that finished without logging anything is a plain line (exit 0); a missing action hints the first failed instance', async () => {
    const dir = await makeProject('logs-failed', { 'aero.config.ts': FAILING });
    const r = await aero(dir, 'run');
    expect(r.code).toBe(1);
    const runId = /\(run (\S+)\)/.exec(r.stdout)![1]!;
    expect(await aero(dir, 'logs', 'latest', 'quiet')).toEqual({ code: 0, stdout: '', stderr: `[aero] \`quiet\` in run ${runId} wrote no log (status: ran).\n` });

    const hint = `\`boom\` failed in run ${runId}: \`aero logs latest boom\` prints its log; \`aero show latest\` lists its instances.`;
    expect(await refused(dir, 'logs', 'latest')).toBe(`[aero] USAGE_INVALID: \`aero logs\` needs a run and an action: \`aero logs RUN ACTION\`.\n  hint: ${hint}\n`);
    // A bare `aero logs` names an instance of the newest run.
    expect(await refused(dir, 'logs')).toBe(`[aero] USAGE_INVALID: \`aero logs\` needs a run and an action: \`aero logs RUN ACTION\`.\n  hint: ${hint}\n`);
    const byId = `\`boom\` failed in run ${runId}: \`aero logs ${runId} boom\` prints its log; \`aero show ${runId}\` lists its instances.`;
    expect(await refused(dir, 'logs', runId)).toBe(`[aero] USAGE_INVALID: \`aero logs\` needs a run and an action: \`aero logs RUN ACTION\`.\n  hint: ${byId}\n`);
    // The hinted commands work.
    for (const ref of ['latest', runId]) {
      const logs = await aero(dir, 'logs', ref, 'boom');
      expect({ code: logs.code, stderr: logs.stderr }).toEqual({ code: 0, stderr: '' });
      expect(logs.stdout).toContain('[error] ACTION_FAILED: Action `boom` threw: kaboom');
      const show = await aero(dir, 'show', ref);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/^ {2}boom +failed/m);
    }
    // A run that does not exist is refused as such.
    expect(await refused(dir, 'logs', 'nope')).toBe('[aero] RUN_NOT_FOUND: No run matches `nope`.\n  hint: List runs with `aero ps`; use a run id, a unique prefix of one, or `latest`.\n');
  });

  it('a bare `aero logs` with no run to name gets the help, and the help works', async () => {
    const dir = await makeProject('logs-no-runs', { 'aero.config.ts': FAILING });
    expect(await refused(dir, 'logs')).toBe('[aero] USAGE_INVALID: `aero logs` needs a run and an action: `aero logs RUN ACTION`.\n  hint: Run `aero logs --help`.\n');
    expect((await aero(dir, 'logs', '--help')).code).toBe(0);
  });
});
