import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { aero, makeProject, refused, startAero, waitFor } from './helpers.js';

const config = `import { defineAction, defineConfig } from '@aeroml/core';
const a = defineAction({ name: 'a', outputs: { o: { handler: 'json' } }, async run({ outputs }) { await outputs.o.write({ ok: 1 }); } });
export default defineConfig({ project: 'ui-cli', actions: [a] });
`;

describe('aero ui and aero report (CLI)', () => {
  it('are listed in aero --help with their own help', async () => {
    const dir = await makeProject('ui-help', { 'aero.config.ts': config });
    const help = await aero(dir, '--help');
    expect(help.stdout).toContain('  ui         Browse runs, metric charts, the DAG, lineage and sweeps in a browser (read-only, local)\n');
    expect(help.stdout).toContain('  report     Write one self-contained HTML report of runs (offline, no network requests)\n');
    const ui = await aero(dir, 'ui', '--help');
    expect(ui.stdout).toContain('Usage: aero ui [--port 4173] [--host 127.0.0.1] [--open]');
  });

  it('a port in use is UI_PORT_IN_USE with a port that is free to try', async () => {
    const dir = await makeProject('ui-port', { 'aero.config.ts': config });
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      expect(await refused(dir, 'ui', '--port', String(port))).toBe(`[aero] [@aeroml/ui] UI_PORT_IN_USE: Port ${port} on 127.0.0.1 is already in use by another program.\n  hint: Pick another port: aero ui --port ${port + 1}\n`);
    } finally {
      blocker.close();
    }
  });

  it('a port that is not a number is UI_LISTEN_INVALID', async () => {
    const dir = await makeProject('ui-badport', { 'aero.config.ts': config });
    expect(await refused(dir, 'ui', '--port', 'http')).toBe('[aero] [@aeroml/ui] UI_LISTEN_INVALID: --port must be a whole number from 0 to 65535, got `http`.\n  hint: Pick a free port: aero ui --port 4174\n');
  });

  it('--host 0.0.0.0 serves, with a warning on stderr', async () => {
    const dir = await makeProject('ui-host', { 'aero.config.ts': config });
    const ui = startAero(dir, ['ui', '--port', '0', '--host', '0.0.0.0']);
    await waitFor(() => ui.output().includes('Press Ctrl-C to stop.'), 'aero ui to listen');
    expect(ui.output()).toMatch(/^aero ui: ui-cli \(store: local, read-only\) at http:\/\/127\.0\.0\.1:\d+\/\nPress Ctrl-C to stop\.\n$/);
    ui.child.kill('SIGINT');
    const r = await ui.result;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("[aero] warning: --host 0.0.0.0 serves this project's runs, params, logs and artifacts to every machine that can reach this one; aero ui has no login. Use the default (--host 127.0.0.1) unless that is what you want.\n");
  });

  it('aero report of an unknown run is RUN_NOT_FOUND; an unwritable --out is UI_REPORT_WRITE_FAILED', async () => {
    const dir = await makeProject('ui-report', { 'aero.config.ts': config });
    expect((await aero(dir, 'run')).code).toBe(0);
    expect(await refused(dir, 'report', 'nope', '--out', 'r.html')).toBe('[aero] RUN_NOT_FOUND: No run matches `nope`.\n  hint: List runs with `aero ps`; use a run id, a unique prefix of one, or `latest`.\n');
    const bad = await aero(dir, 'report', '--out', 'aero.config.ts/report.html');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^\[aero\] \[@aeroml\/ui\] UI_REPORT_WRITE_FAILED: Cannot write the report to .*aero\.config\.ts\/report\.html: ENOTDIR: .*\.\n  hint: Check that the folder exists and is writable, or write elsewhere: aero report --out report\.html\n$/);
    expect(await refused(dir, 'report', '--out', '')).toBe('[aero] USAGE_INVALID: `--out` needs a file name, got an empty one.\n  hint: aero report --out report.html\n');
    expect(await refused(dir, 'report', '--out', 'reports/')).toBe('[aero] USAGE_INVALID: `--out reports/` names a folder; the report is one file.\n  hint: Name the file: aero report --out report.html (or a file in a folder that exists, e.g. --out reports/report.html)\n');
    const ok = await aero(dir, 'report', '--json');
    expect(JSON.parse(ok.stdout)).toMatchObject({ type: 'report:written', runs: ['latest'] });
  });
});
