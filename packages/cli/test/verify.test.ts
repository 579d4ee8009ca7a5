import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aero, copyQuickstart, readJson, statuses } from './helpers.js';
import { manifestOf } from './manifest.js';

describe('aero verify (real local store)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await copyQuickstart();
    expect((await aero(dir, 'run')).code).toBe(0);
  });

  it('reports a sound store and exits 0', async () => {
    const r = await aero(dir, 'verify');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^checked [1-9]\d* blob\(s\) \([\d.]+ (B|KiB|MiB)\) and [1-9]\d* manifest\(s\)$/m);
  });

  it('quarantines a corrupt blob, exits 1 with STORE_CORRUPT and a hint that works', async () => {
    const run = await readJson<{ actions: Array<{ id: string; outputs: Record<string, string> }> }>(join(dir, '.aero/runs', await latestRun(dir), 'run.json'));
    const digest = run.actions.find((a) => a.id === 'train')!.outputs.model!;
    const manifest = await manifestOf(dir, 'train.model', digest);
    const sha = manifest.files[0]!.sha256;
    const blob = join(dir, '.aero/objects/sha256', sha.slice(0, 2), sha);
    await chmod(blob, 0o644);
    await writeFile(blob, '{"weights":"tampered"}');

    const dry = await aero(dir, 'verify', '--dry-run');
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain(`  bad blob objects/sha256/${sha.slice(0, 2)}/${sha}: its bytes hash to `);
    expect(dry.stderr).toContain('1 stored item (1 blob, 0 manifests) did not match its digest; nothing was moved (dry run).');

    const r = await aero(dir, 'verify');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^  bad blob objects/sha256/${sha.slice(0, 2)}/${sha}: its bytes hash to [0-9a-f]{12}, used by train\\.model@${digest.slice(0, 12)}; moved to quarantine/objects/sha256/${sha.slice(0, 2)}/${sha}$`, 'm'));
    expect(r.stderr).toContain('1 stored item (1 blob, 0 manifests) did not match its digest; it was moved to .aero/quarantine/ (not deleted).');
    expect(r.stderr).toContain('STORE_CORRUPT');
    expect(r.stderr).toContain('hint: Run `aero run`: the actions that produced them run again and rewrite them.');
    expect(await readFile(join(dir, '.aero/quarantine/objects/sha256', sha.slice(0, 2), sha), 'utf8')).toBe('{"weights":"tampered"}');

    const why = await aero(dir, 'why', 'train');
    expect(why.stdout).toContain('was quarantined by `aero verify`: its bytes did not match their digest');

    // The hint's command: train runs again and the store is sound.
    const again = await aero(dir, 'run');
    expect(again.code).toBe(0);
    expect(statuses(again.stdout)).toMatchObject({ ingest: 'cached', split: 'cached', train: 'ran' });
    expect(again.stdout).toMatch(/ran\s+train .*: rerun because the content of output `model` .* was quarantined by `aero verify`/);
    expect((await aero(dir, 'verify')).code).toBe(0);
  });
});

async function latestRun(dir: string): Promise<string> {
  const { readdir } = await import('node:fs/promises');
  return (await readdir(join(dir, '.aero/runs'))).filter((n) => /^\d{8}-/.test(n)).sort().at(-1)!;
}
