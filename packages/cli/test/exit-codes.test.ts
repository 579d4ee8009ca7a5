import { describe, expect, it } from 'vitest';
import { AeroError, lookupError } from '@aeroml/core';
import { exitCodeFor, markConfigPhase } from '../src/errors.js';
// @ts-expect-error: a plain .mjs module of the repository's tools, without types
import { loadCatalogue } from '../../../tools/errors/catalogues.mjs';

/**
 * The exit statuses the CLI gave before the catalogue, by name rules: the list of usage
 * codes, the `CONFIG_` / `OVERRIDE_` prefixes and the `_OPTIONS_INVALID` suffix → 2,
 * `INTERRUPTED` → 130, everything else → 1. Every declared code must keep its status.
 */
const USAGE_CODES_BEFORE = new Set([
  'CONFIG_NOT_FOUND', 'CONFIG_LOAD_FAILED', 'CONFIG_INVALID', 'PLUGIN_INVALID', 'PLUGIN_OPTIONS_INVALID', 'PLAN_INVALID', 'PLAN_CYCLE',
  'PLAN_MISSING_PRODUCER', 'PLAN_DUPLICATE_ACTION', 'PLAN_UNKNOWN_HANDLER', 'PLAN_INVALID_PARAMS', 'PLAN_UNKNOWN_TEMPLATE_TAG',
  'PLAN_PARTITION_MISMATCH', 'PLAN_ONLY_NO_MATCH', 'PLAN_UNKNOWN_PARAM', 'PLAN_PATH_ESCAPES', 'PLAN_PARTITION_INVALID', 'PLAN_TEMPLATE_INVALID', 'OVERRIDE_INVALID', 'RUN_NOT_FOUND', 'RUN_AMBIGUOUS', 'ACTION_NOT_FOUND',
  'ARTIFACT_NOT_FOUND', 'LAUNCHER_NOT_FOUND', 'USAGE_INVALID', 'PLAN_GPUS_UNAVAILABLE',
  'UI_PORT_IN_USE', 'UI_LISTEN_INVALID',
  'TUNE_SPACE_INVALID', 'TUNE_OBJECTIVE_UNKNOWN', 'TUNE_SAMPLER_UNSUITABLE', 'TUNE_OPTIONS_INVALID', 'TUNE_STUDY_MISMATCH', 'TUNE_STUDY_NOT_FOUND',
  'PIN_INVALID', 'PIN_UNKNOWN_OUTPUT', 'PIN_UNKNOWN_TAG', 'PIN_AMBIGUOUS', 'PIN_NOT_CONSUMED', 'PIN_PARTITIONS_MISSING', 'TAG_INVALID',
  'RERUN_SOURCE_MISSING', 'EXPORT_LAYOUT_INVALID', 'EXPORT_PATH_COLLISION', 'EXPORT_TARGET_INVALID',
]);
function exitBefore(code: string): number {
  if (code === 'INTERRUPTED') return 130;
  if (USAGE_CODES_BEFORE.has(code)) return 2;
  if (code.startsWith('CONFIG_') || code.startsWith('OVERRIDE_') || code.endsWith('_OPTIONS_INVALID')) return 2;
  return 1;
}

describe('exit statuses from the error catalogue', () => {
  it('every declared code of every package exits as it did before the catalogue', async () => {
    const entries: Array<{ code: string; plugin: string; exit: number }> = await loadCatalogue();
    const plugins = new Set(entries.map((e) => e.plugin));
    expect([...plugins].sort()).toEqual([
      '@aeroml/config-yaml', '@aeroml/core', '@aeroml/handler-fits', '@aeroml/handler-npy', '@aeroml/handler-text', '@aeroml/launcher-docker',
      '@aeroml/launcher-slurm', '@aeroml/store-local', '@aeroml/store-s3', '@aeroml/tracker-file', '@aeroml/tracker-mlflow', '@aeroml/tracker-wandb', '@aeroml/ui',
    ]);
    const differing = entries.filter((e) => exitCodeFor({ name: 'AeroError', code: e.code }) !== exitBefore(e.code)).map((e) => e.code);
    expect(differing).toEqual([]);
    // Each status occurs, so the comparison above is not vacuous.
    expect(new Set(entries.map((e) => exitCodeFor(new AeroError(e.code, 'x'))))).toEqual(new Set([1, 2, 130]));
  });

  it('an AeroError carries its exit status; a code nobody declared exits 1', () => {
    expect(new AeroError('PLAN_CYCLE', 'loop').exit).toBe(2);
    expect(new AeroError('INTERRUPTED', 'stop').exit).toBe(130);
    expect(new AeroError('ACTION_FAILED', 'boom').exit).toBe(1);
    expect(exitCodeFor(new AeroError('SOME_PLUGIN_NEVER_DECLARED', 'x'))).toBe(1);
    expect(exitCodeFor(new Error('plain'))).toBe(1);
  });

  it("the CLI's own usage errors exit 2 without core loaded, as core's catalogue declares", () => {
    expect(lookupError('USAGE_INVALID')?.exit).toBe(2);
    expect(exitCodeFor({ name: 'AeroError', code: 'USAGE_INVALID', message: 'Unknown option `--fast`.' })).toBe(2);
  });

  it('an error raised while loading aero.config.ts is a config error whatever its code', () => {
    expect(exitCodeFor(markConfigPhase(new AeroError('ACTION_FAILED', 'thrown at import')))).toBe(2);
  });
});
