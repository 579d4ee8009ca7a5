import { describe, expect, it } from 'vitest';
import { aero, makeProject, startAero } from './helpers.js';

// A plugin's warnings reach the user: the CLI gives the engine a logger (stderr, or
// `{"type":"warning"}` lines with --json); a config's own logger still wins.
const config = (logger: string) => `import { defineAction, defineConfig } from '@aeroml/core';
const done = async () => {};
let log;
const noisy = {
  kind: 'tracker', name: 'noisy', version: '1.0.0',
  async init(ctx) { log = ctx.logger; },
  async startRun() { log.warn('noisy: metric name \`a@b\` logged as \`a_b\`'); log.info('noisy: connected'); log.debug('noisy: detail', { n: 1 }); },
  startAction: done, logParams: done, logMetrics: done, logArtifact: done, setTags: done, endAction: done, endRun: done, flush: done, close: done,
};
const a = defineAction({ name: 'a', outputs: { o: { handler: 'json' } }, async run({ outputs }) { await outputs.o.write(1); } });
export default defineConfig({ actions: [a], plugins: [noisy]${logger} });
`;

describe('plugin warnings under the CLI', () => {
  it('are printed on stderr (info too, debug with AERO_DEBUG=1), and as JSON lines with --json', async () => {
    const dir = await makeProject('plugin-logger', { 'aero.config.ts': config('') });
    const r = await aero(dir, 'run');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('[aero] warning: noisy: metric name `a@b` logged as `a_b`\n[aero] noisy: connected\n');
    const json = await aero(dir, 'run', '--json', '--force');
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toContainEqual({ type: 'warning', message: 'noisy: metric name `a@b` logged as `a_b`' });
    expect(lines).toContainEqual({ type: 'info', message: 'noisy: connected' });
    const debug = await startAero(dir, ['run', '--force'], { AERO_DEBUG: '1' }).result;
    expect(debug.stderr).toContain('[aero] debug: noisy: detail {"n":1}\n');
  });

  it("go to the config's own logger when it has one", async () => {
    const dir = await makeProject('plugin-logger-own', { 'aero.config.ts': config(", logger: { debug() {}, info() {}, warn(m) { process.stderr.write('own: ' + m + '\\n'); }, error() {} }") });
    const r = await aero(dir, 'run');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('own: noisy: metric name `a@b` logged as `a_b`\n');
  });
});
