import { copyFile, mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAero, defineAction, defineConfig } from '@aeroml/core';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * UI_ASSETS_MISSING: an install of @aeroml/ui whose browser bundle is gone (a broken
 * install). The built package is copied without its `client/` folder, so the real
 * lookup in src/assets.ts finds no app.js next to the module, as it would in
 * node_modules. Its imports (@aeroml/core) resolve from the repository's node_modules.
 */
async function installWithoutClient(): Promise<{ lib: string; module: Record<string, any> }> {
  const root = await mkdtemp(join(tmpdir(), 'aero-ui-broken-'));
  await symlink(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  const lib = join(root, 'lib');
  await mkdir(lib);
  for (const file of ['index.js', 'index.js.map']) await copyFile(join(REPO, 'packages/ui/dist', file), join(lib, file));
  return { lib, module: await import(pathToFileURL(join(lib, 'index.js')).href) };
}

async function project() {
  const cwd = await mkdtemp(join(tmpdir(), 'aero-ui-project-'));
  const { localStore } = await import(pathToFileURL(join(REPO, 'plugins/store-local/dist/index.js')).href);
  // One finished run, so a report has something to show.
  const hello = defineAction({ name: 'hello', version: '1', async run({ log }) { log.info('hello'); } });
  const aero = await createAero({ cwd, config: defineConfig({ actions: [hello], plugins: [localStore({ cwd })] }) });
  expect((await aero.run()).record.status).toBe('succeeded');
  return aero;
}

describe('UI_ASSETS_MISSING: the browser bundle is missing from the installed package', () => {
  it('`aero ui` (startUiServer) refuses to start and says how to repair the install', async () => {
    const { lib, module } = await installWithoutClient();
    const aero = await project();
    await expect(module.startUiServer(aero, { port: 0 })).rejects.toMatchObject({
      name: 'AeroError',
      code: 'UI_ASSETS_MISSING',
      plugin: '@aeroml/ui',
      message: `The aero ui browser bundle (client/app.js) is missing next to ${lib}.`,
      hint: 'Reinstall @aeroml/ui; in a checkout of aero, build it first: cd packages/ui && npx tsup',
    });
  });

  it('`aero report` (buildReport) fails the same way instead of writing a page without its script', async () => {
    const { lib, module } = await installWithoutClient();
    const aero = await project();
    await expect(module.buildReport(aero)).rejects.toMatchObject({
      code: 'UI_ASSETS_MISSING',
      message: `The aero ui browser bundle (client/app.js) is missing next to ${lib}.`,
    });
  });
});
