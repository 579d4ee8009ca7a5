import { fileURLToPath } from 'node:url';
import type { Aero, Logger } from '@aeroml/core';
import type { ParsedArgs } from './args.js';
import { cliLogger } from './logger.js';

/** The embedded defaults used when aero.config.ts names no plugin of a kind. */
export async function embeddedDefaults(cwd: string, dir?: string) {
  const [{ localStore }, { fileTracker }, { textHandlers }] = await Promise.all([
    import('@aeroml/store-local'),
    import('@aeroml/tracker-file'),
    import('@aeroml/handler-text'),
  ]);
  return {
    store: () => localStore({ cwd, ...(dir ? { dir } : {}) }),
    trackers: () => [fileTracker()],
    handlers: () => textHandlers(),
  };
}

/** argv that starts a worker: this same CLI, `aero exec`. */
export function execCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL('./bin.js', import.meta.url)), 'exec'];
}

/**
 * Opens the project with `overrides`. Pass `loaded` (from a previous call) to reuse the
 * loaded config and its plugin instances: a sweep loads aero.config.ts once, so config
 * loaders keep their parse caches across trials.
 */
export async function openProject(args: ParsedArgs, overrides: string[] = [], loaded?: Aero): Promise<Aero> {
  if (loaded) {
    const { createAero } = await import('@aeroml/core');
    return createAero({ cwd: loaded.cwd, config: loaded.config, ...(loaded.configFile ? { configFile: loaded.configFile } : {}), overrides, dev: Boolean(args.values.dev), defaults: await embeddedDefaults(loaded.cwd, loaded.config.dir), execCommand: execCommand(), ...loggerFor(loaded.config) });
  }
  const { createAero, findConfigFile, loadConfigFile } = await import('@aeroml/core');
  const { resolve } = await import('node:path');
  const cwd = resolve(typeof args.values.cwd === 'string' ? args.values.cwd : process.cwd());
  const configFile = typeof args.values.config === 'string' ? resolve(cwd, args.values.config) : await findConfigFile(cwd);
  if (!configFile) {
    const { AeroError } = await import('@aeroml/core');
    throw new AeroError('CONFIG_NOT_FOUND', `No aero.config.ts found in ${cwd}.`, { hint: 'Run aero from your project folder, or pass --config <file> / -C <dir>.' });
  }
  const { markConfigPhase } = await import('./errors.js');
  const config = await loadConfigFile(configFile).catch((error: unknown) => {
    throw markConfigPhase(error);
  });
  // --dev: no trackers and a local store (see core's plugins.ts).
  return createAero({ cwd, config, configFile, overrides, dev: Boolean(args.values.dev), defaults: await embeddedDefaults(cwd, config.dir), execCommand: execCommand(), ...loggerFor(config) });
}

/** The CLI's logger, unless the config brings its own (`logger` in aero.config.ts wins). */
function loggerFor(config: { logger?: unknown }): { logger?: Logger } {
  const logger = config.logger === undefined ? cliLogger() : undefined;
  return logger ? { logger } : {};
}
