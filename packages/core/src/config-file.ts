import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CONFIG_KEYS, type AeroConfig } from './define.js';
import { AeroAggregateError, AeroError, ErrorCodes, isAeroError } from './errors.js';
import { showGiven } from './util/show-given.js';
import { didYouMean, nearestNames } from './suggest.js';

export const CONFIG_FILE_NAMES = ['aero.config.ts', 'aero.config.mts', 'aero.config.js', 'aero.config.mjs'];

export async function findConfigFile(cwd: string): Promise<string | undefined> {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(cwd, name);
    try {
      await access(path);
      return path;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

/**
 * Loads `aero.config.ts` with jiti (TypeScript without a build step, on Node 20).
 * jiti loads lazily so commands that need no config stay fast; config-jiti.ts says how
 * its transform cache and import resolution are tuned for start-up time.
 */
export async function loadConfigFile(path: string): Promise<AeroConfig> {
  const absolute = resolve(path);
  let mod: unknown;
  try {
    const { createConfigJiti } = await import('./config-jiti.js');
    mod = await createConfigJiti(absolute).import(absolute, { default: true });
  } catch (cause) {
    // An AeroError thrown by the config itself (e.g. a plugin factory's option check)
    // already says what to do, with its plugin scope: pass it through unchanged.
    if (isAeroError(cause)) throw cause;
    const message = (cause as Error)?.message ?? String(cause);
    throw new AeroError(ErrorCodes.CONFIG_LOAD_FAILED, `Could not load ${path}: ${message}`, {
      hint: 'Fix the error above in the config file or the modules it imports.',
      cause,
    });
  }
  const config = (mod && typeof mod === 'object' && 'default' in mod ? (mod as { default: unknown }).default : mod) as AeroConfig;
  if (!config || typeof config !== 'object' || !('actions' in config)) {
    throw new AeroError(ErrorCodes.CONFIG_INVALID, `${path} must export default defineConfig({ actions: [...] }).`, {
      hint: 'See docs/getting-started.md for a minimal aero.config.ts.',
    });
  }
  checkConfigKeys(config, path);
  return config;
}

/**
 * Refuses top-level keys `defineConfig` does not know (`plugin:`, `paramz:`): ignored,
 * they would run the pipeline without the plugins or params the user meant. Also refuses
 * a `concurrency` that is not a whole number >= 1 (as `-j` is): a NaN or `'abc'` gave
 * the launchers no slot, and the run stopped with nothing run and no error.
 */
export function checkConfigKeys(config: object, file: string): void {
  const known: readonly string[] = CONFIG_KEYS;
  const issues = Object.keys(config)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const near = nearestNames(key, known);
      return new AeroError(ErrorCodes.CONFIG_UNKNOWN_KEY, `${file}: unknown key \`${key}\` in defineConfig({...}).`, {
        hint: near.length > 0 ? didYouMean(near) : `Known keys: ${[...known].sort().join(', ')}.`,
        details: { key, suggestions: near },
      });
    });
  const unknownKeys = issues.length;
  const concurrency = (config as { concurrency?: unknown }).concurrency;
  if (concurrency !== undefined && !(typeof concurrency === 'number' && Number.isInteger(concurrency) && concurrency >= 1)) {
    issues.push(
      new AeroError(ErrorCodes.CONFIG_INVALID, `${file}: \`concurrency\` is ${showGiven(concurrency)}; it takes a whole number of at least 1 (how many CPU slots run at once, as \`-j\`).`, {
        hint: 'Set `concurrency: 4` in defineConfig({...}), or leave it out for the number of CPUs; `aero run -j 4` overrides it.',
        details: { path: 'concurrency', value: typeof concurrency === 'number' ? String(concurrency) : concurrency },
      }),
    );
  }
  if (issues.length === 1) throw issues[0]!;
  if (issues.length > 1) {
    const what = unknownKeys === issues.length ? `${issues.length} unknown keys` : `${issues.length} problems`;
    throw new AeroAggregateError(ErrorCodes.CONFIG_INVALID, `${file} has ${what}:`, issues, { hint: 'Fix them all and run again.' });
  }
}

