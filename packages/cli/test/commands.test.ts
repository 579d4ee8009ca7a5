import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { aero, CLI, copyQuickstart, makeProject, plainEnv, refused, statuses } from './helpers.js';

describe('aero CLI commands', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyQuickstart();
    const r = await aero(dir, 'run');
    expect(r.code).toBe(0);
  });

  it('--help lists every command and exits 0', async () => {
    const r = await aero(dir, '--help');
    expect(r.code).toBe(0);
    for (const c of ['run', 'list', 'graph', 'ps', 'show', 'logs', 'why', 'artifacts', 'lineage', 'gc', 'sync', 'exec']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    // The docs link works for a user who installed the package: a URL from package.json's repository, not a path in this checkout.
    expect(r.stdout).toMatch(/^Docs: https:\/\/github\.com\/aeroml\/aero\/blob\/main\/docs\/getting-started\.md$/m);
    const sub = await aero(dir, 'run', '--help');
    expect(sub.stdout).toContain('Usage: aero run [--only a,b]');
  });

  it('rejects unknown commands and options with exit 2', async () => {
    const unknown = await aero(dir, 'fly');
    expect(unknown.code).toBe(2);
    // `fly` is two edits from `why`: the hint names it, and its help (a bare `aero why` needs an action).
    expect(unknown.stderr).toBe('[aero] USAGE_INVALID: Unknown command `fly`.\n  hint: Did you mean `why`? Run `aero why --help`.\n');
    expect(await refused(dir, 'run', '--fast')).toContain("[aero] USAGE_INVALID: Unknown option '--fast'");
    expect(await refused(dir, 'run', '-j', '0')).toContain('--jobs needs a whole number of at least 1, got `0`.');
  });

  it('keeps stdout and stderr in order in one stream, and finishes quietly when its reader goes away', async () => {
    // One pipe for both streams (2>&1): buffered stdout must be flushed before stderr.
    // Its own project: the runs made here must not become the shared project's latest run.
    const own = await copyQuickstart();
    const both = await new Promise<{ code: number | null; text: string }>((resolve) => {
      // A run (stdout), then an invalid sweep in the same shell (stderr): every sweep
      // combination is planned before the first runs, so that sweep runs none.
      const child = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" run train.epochs=3 && "${process.execPath}" "${CLI}" run -m train.epochs=3,abc 2>&1`], { cwd: own, env: plainEnv() });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.on('close', (code) => resolve({ code, text }));
    });
    expect(both.code).toBe(2);
    const summary = both.text.indexOf('succeeded in');
    const error = both.text.indexOf('[aero] Sweep combination 2/2 (train.epochs=abc) cannot run, so no combination was run:\n[aero] PLAN_INVALID_PARAMS: ');
    expect(summary).toBeGreaterThan(0);
    expect(error).toBeGreaterThan(summary);
    expect(both.text.indexOf('[sweep 1/2]')).toBe(-1);
    // `aero list | head -1`: the reader closes after the first line; no EPIPE crash.
    const closed = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'list'], { cwd: dir, env: plainEnv() });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(closed.stderr).not.toContain('EPIPE');
    expect(closed.code).toBe(0);
  });

  it('list shows actions with group, type, inputs and outputs', async () => {
    const r = await aero(dir, 'list');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^ACTION\s+GROUP\s+TYPE\s+INSTANCES\s+INPUTS\s+OUTPUTS$/);
    expect(r.stdout).toMatch(/train\s+model\s+train-model\s+1\s+train←split.train\s+model:json/);
    const json = await aero(dir, 'list', '--json');
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l).name)).toEqual(['ingest', 'split', 'train', 'evaluate']);
  });

  it('graph prints mermaid and dot', async () => {
    const mermaid = await aero(dir, 'graph');
    expect(mermaid.stdout).toContain('graph TD');
    expect(mermaid.stdout).toContain('a1 -->|train| a2');
    const dot = await aero(dir, 'graph', '--format', 'dot');
    expect(dot.stdout).toContain('digraph aero {');
    expect(dot.stdout).toContain('a2 -> a3 [label="model"];');
    expect(await refused(dir, 'graph', '--format', 'svg')).toContain('--format must be mermaid or dot, got `svg`.');
  });

  it('ps lists runs with status and counts; show prints one run with its snapshot', async () => {
    const ps = await aero(dir, 'ps');
    expect(ps.stdout).toMatch(/^RUN\s+STATUS\s+STARTED/);
    expect(ps.stdout).toMatch(/succeeded .* 4\s+0\s+0/);
    const show = await aero(dir, 'show');
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^run {7}\d{8}-\d{6}-[0-9a-f]{6}/);
    expect(show.stdout).toContain('"epochs": 200');
    expect(show.stdout).toMatch(/evaluate\s+ran\s+\S+\s+metrics@[0-9a-f]{10} confusion@[0-9a-f]{10}\s+accuracy=/);
    expect(show.stdout).toMatch(/snapshot: \d+ source file\(s\): .*aero\.config\.ts.*src\/train\.ts/);
    expect(await refused(dir, 'show', 'nope')).toContain('[aero] RUN_NOT_FOUND: No run matches `nope`.');
  });

  it('logs prints an action log, and names the action when it is unknown', async () => {
    const r = await aero(dir, 'logs', 'latest', 'ingest');
    expect(r.stdout).toMatch(/^kept 342 of 344 rows$/m);
    expect(await refused(dir, 'logs', 'latest', 'nope')).toContain('has no action `nope`');
  });

  it('artifacts lists versions; lineage walks back to the source', async () => {
    const a = await aero(dir, 'artifacts');
    expect(a.stdout).toMatch(/train\.model\s+[0-9a-f]{12}\s+json\s+1/);
    const l = await aero(dir, 'lineage', 'evaluate.metrics');
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/^evaluate\.metrics@[0-9a-f]{12} ← evaluate \(run /);
    expect(l.stdout).toMatch(/train\.model@[0-9a-f]{12} ← train/);
    expect(l.stdout).toMatch(/ingest\.dataset@[0-9a-f]{12} ← ingest/);
  });

  it('gc keeps what the newest runs use and removes the rest', async () => {
    const changed = await aero(dir, 'run', 'train.epochs=20');
    expect(statuses(changed.stdout).train).toBe('ran');
    const dry = await aero(dir, 'gc', '--keep-runs', '1', '--dry-run');
    expect(dry.stdout).toMatch(/^would remove [1-9]\d* blob\(s\), [1-9]\d* manifest\(s\), [1-9]\d* cache entr/);
    const real = await aero(dir, 'gc', '--keep-runs', '1');
    expect(real.stdout).toMatch(/^removed [1-9]/);
    const again = await aero(dir, 'run', 'train.epochs=20');
    expect(statuses(again.stdout)).toEqual({ ingest: 'cached', split: 'cached', train: 'cached', evaluate: 'cached' });
  });

  it('--only runs the selection and serves its upstream from cache', async () => {
    // (train.epochs=20: the model the gc test above kept)
    const r = await aero(dir, 'run', '--only', 'evaluate', '--force', 'train.epochs=20');
    expect(statuses(r.stdout)).toEqual({ ingest: 'cached', split: 'cached', train: 'cached', evaluate: 'ran' });
    const none = await aero(dir, 'run', '--only', 'nothing');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^\[aero\] PLAN_ONLY_NO_MATCH: /);
    expect(none.stderr).toContain('--only `nothing`: no action, group, type or output is named `nothing`.');
  });

  it('--json emits one NDJSON event per line', async () => {
    const r = await aero(dir, 'run', '--json');
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0].type).toBe('run:start');
    expect(events.at(-1)).toMatchObject({ type: 'run:end', status: 'succeeded' });
    expect(events.filter((e) => e.type === 'action:end')).toHaveLength(4);
  });

  it('sync reports that the file tracker keeps nothing to sync', async () => {
    const r = await aero(dir, 'sync');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('None of the configured trackers keeps data to sync.');
  });
});

describe('config and plan errors exit 2 with every problem listed', () => {
  it('no config', async () => {
    const dir = await makeProject('empty', { 'README.md': 'nothing here' });
    const r = await aero(dir, 'list');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\[aero\] CONFIG_NOT_FOUND: No aero\.config\.ts found in .*\n {2}hint: Run aero from your project folder/);
  });

  it('a config that throws', async () => {
    const dir = await makeProject('throws', { 'aero.config.ts': "throw new Error('boom');\n" });
    const r = await aero(dir, 'run');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('boom');
    expect(r.stderr).toMatch(/^\[aero\] CONFIG_LOAD_FAILED: Could not load .*aero\.config\.ts/);
  });

  it('plan problems are reported together before anything runs', async () => {
    const dir = await makeProject('broken', {
      'aero.config.ts': `import { defineAction, defineConfig } from '@aeroml/core';
import { z } from 'zod';
const a = defineAction({ name: 'a', outputs: { o: { handler: 'parquet' } }, run() {} });
const b = defineAction({ name: 'b', params: z.object({ lr: z.number().positive() }), inputs: { x: a.output('missing') }, run() {} });
export default defineConfig({ actions: [a, b], params: { b: { lr: -2 } } });
`,
    });
    const r = await aero(dir, 'run');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[aero] PLAN_INVALID: The pipeline has 3 problems; nothing was run:');
    expect(r.stderr).toContain('  - PLAN_MISSING_PRODUCER: Input `x` of `b` needs output `missing` of `a`, which declares `o`.');
    expect(r.stderr).toContain('  - PLAN_UNKNOWN_HANDLER: Output `o` of `a` uses handler `parquet`, which is not installed');
    // A value from the config file names its file, as a command-line value names `<cli>`.
    expect(r.stderr).toContain('  - PLAN_INVALID_PARAMS: Param `b.lr` of `b`: Too small: expected number to be >0 (set in aero.config.ts).');
    const override = await aero(dir, 'run', 'b.lr');
    expect(override.code).toBe(2);
  });
});

describe('errors raised while loading the config', () => {
  it('keep their own code, message, hint and plugin, and exit 2', async () => {
    const dir = await makeProject('plugin-error', {
      'aero.config.ts': `import { AeroError, defineConfig } from '@aeroml/core';
throw new AeroError('MY_PLUGIN_BAD', 'Option \`x\` must be positive.', { plugin: '@acme/aero-plugin', hint: 'Set x to 1 or more.' });
export default defineConfig({ actions: [] });
`,
    });
    expect(await refused(dir, 'list')).toBe('[aero] [@acme/aero-plugin] MY_PLUGIN_BAD: Option `x` must be positive.\n  hint: Set x to 1 or more.\n');
  });
});
