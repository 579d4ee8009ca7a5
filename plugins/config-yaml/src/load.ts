import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  AeroAggregateError,
  AeroError,
  ErrorCodes,
  applyOverrides,
  parseOverride,
  resolveInterpolations,
  type ConfigLoadResult,
  type Override,
} from '@aeroml/core';
import { composeDefaults, type GroupOverride } from './compose.js';
import type { GroupOption } from './defaults.js';
import { ConfigYamlErrorCodes, PLUGIN, yamlError } from './errors.js';
import { ConfigRepository, type ParseCache, type YamlParse } from './files.js';
import { ParamsTree } from './merge.js';
import { splitExtension } from './names.js';
import type { YamlConfigSettings } from './options.js';
import { takeTuneBlock } from './tune-block.js';
import { takeUseBlock } from './use-block.js';

export const BASE_SOURCE = '<aero.config.ts>';
export const CLI_SOURCE = '<cli>';

async function yamlParser(): Promise<YamlParse> {
  const YAML = await import('yaml');
  return (text, rel) => {
    try {
      return YAML.parse(text, { merge: true, prettyErrors: true });
    } catch (error) {
      if (error instanceof YAML.YAMLError) {
        const pos = error.linePos?.[0];
        const where = pos ? `${rel}:${pos.line}:${pos.col}` : rel;
        const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        throw yamlError(ConfigYamlErrorCodes.PARSE_FAILED, `${where}: invalid YAML: ${message}.`, {
          hint: 'Fix the YAML syntax at that line and column.',
          cause: error,
          details: { file: rel, ...(pos ? { line: pos.line, column: pos.col } : {}) },
        });
      }
      throw error;
    }
  };
}

function groupOption(o: Override): GroupOption | undefined {
  const value = o.value;
  if (value === undefined || value === null) return value as undefined | null;
  if (typeof value === 'string' || typeof value === 'number') return String(o.valueText?.trim() ?? value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.map(String);
  throw new AeroError(ErrorCodes.OVERRIDE_INVALID, `Cannot apply override \`${o.text}\`: config group \`${o.key}\` takes an option name, a list of names or null.`, {
    plugin: PLUGIN,
    hint: `Pick one of the files in the ${o.key} folder, e.g. ${o.key}=<option>; to set a value inside the group use ${o.key.split('/').join('.')}.<key>=<value>.`,
    details: { override: o.text, reason: 'group-value' },
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Loads the composed config: `base` (params from aero.config.ts), then the YAML
 * composition, then group overrides and key overrides, then interpolation.
 */
export async function loadYamlConfig(
  settings: YamlConfigSettings,
  options: { cwd: string; overrides: string[]; base: Record<string, unknown> },
  cache: ParseCache = new Map(),
): Promise<ConfigLoadResult> {
  const confDir = resolve(options.cwd, settings.dir);
  // configName may carry its extension (`config.yaml`); then only that file is the primary config.
  const { name: primaryName, exts } = splitExtension(settings.configName);
  const primaryFile = `${settings.dir}/${primaryName}${exts[0]}`;
  if (!isDirectory(confDir)) {
    throw yamlError(ConfigYamlErrorCodes.DIR_NOT_FOUND, `Config folder \`${settings.dir}\` not found in ${options.cwd}.`, {
      hint: `Create ${primaryFile}, or point yamlConfig({ dir }) at your config folder.`,
      details: { dir: confDir },
    });
  }
  const repo = new ConfigRepository(options.cwd, confDir, await yamlParser(), cache);
  const primary = repo.find(primaryName, exts);
  if (!primary) {
    throw yamlError(ConfigYamlErrorCodes.PRIMARY_NOT_FOUND, `Primary config \`${primaryFile}\` not found.`, {
      hint: `Create it (it may hold just a \`defaults:\` list), or set yamlConfig({ configName }).`,
      details: { dir: confDir, configName: settings.configName },
    });
  }

  // Split overrides: config group selections vs. values (Hydra: an override whose key is a config group modifies the Defaults List).
  const errors: AeroError[] = [];
  const groupOverrides: GroupOverride[] = [];
  const keyOverrides: Override[] = [];
  for (const text of options.overrides) {
    try {
      const o = parseOverride(text);
      if (o.sweep) {
        throw new AeroError(ErrorCodes.OVERRIDE_INVALID, `Cannot apply override \`${o.text}\`: \`${o.valueText}\` is a sweep; it expands into several runs.`, {
          plugin: PLUGIN,
          hint: 'Run a sweep with `aero run -m ...` (multirun), or give a single value.',
          details: { override: o.text, reason: 'sweep' },
        });
      }
      const isGroup = o.isGroupPath || o.package !== undefined || (o.path.length === 1 && repo.isGroup(o.key));
      if (isGroup) groupOverrides.push({ text: o.text, kind: o.kind, group: o.path.join('/'), pkg: o.package, option: groupOption(o) });
      else keyOverrides.push(o);
    } catch (error) {
      if (error instanceof AeroError) errors.push(error);
      else throw error;
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new AeroAggregateError(ErrorCodes.OVERRIDE_INVALID, `${errors.length} overrides are invalid:`, errors, { plugin: PLUGIN });

  const primaryHeader = primary.headerPackage;
  const primaryPkg = primaryHeader === undefined || primaryHeader === '_global_' ? '' : primaryHeader.replace(/^_global_\./, '');
  const nodes = composeDefaults(repo, primary, primaryPkg, groupOverrides);

  const tree = new ParamsTree();
  if (Object.keys(options.base).length > 0) tree.mergeAt('', options.base, BASE_SOURCE);
  for (const node of nodes) tree.mergeAt(node.pkg, node.file.content, node.file.rel);

  const origins = tree.origins;
  const overridden = applyOverrides(tree.root, keyOverrides, { origins, source: CLI_SOURCE });
  // Group values copied into actions' params by `${...}` are sources: the planner checks
  // them where they land (train.model.*), not as unknown top-level keys.
  const references = new Set<string>();
  const resolved = resolveInterpolations(overridden, { origins, env: process.env, missing: settings.missing, references });
  const { params: withoutTune, tune } = takeTuneBlock(resolved);
  const { params, use } = takeUseBlock(withoutTune);
  return {
    params,
    ...(tune !== undefined ? { tune } : {}),
    ...(use ? { use } : {}),
    references: [...references],
    sources: repo.used.map((file) => ({ file: file.rel, content: file.text })),
    origins,
  };
}
