import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AeroError, type ConfigLoadResult } from '@aeroml/core';
import { expect } from 'vitest';
import { yamlConfig, type YamlConfigOptions } from '../src/index.js';

/** Writes a project folder from `{ 'conf/config.yaml': '...' }` and returns its path. */
export function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'aero-config-yaml-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

export function load(cwd: string, overrides: string[] = [], base: Record<string, unknown> = {}, options: YamlConfigOptions = {}): Promise<ConfigLoadResult> {
  return yamlConfig(options).load({ cwd, overrides, base });
}

export async function loadError(cwd: string, overrides: string[] = [], base: Record<string, unknown> = {}, options: YamlConfigOptions = {}): Promise<AeroError> {
  try {
    await load(cwd, overrides, base, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AeroError);
    return error as AeroError;
  }
  throw new Error('expected load() to fail');
}
