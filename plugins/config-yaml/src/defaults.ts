import { ConfigYamlErrorCodes, yamlError } from './errors.js';
import type { ConfigFile } from './files.js';

/** Selected option(s) of a config group: a name, several names, none (`null`), or `???` (must be chosen). */
export type GroupOption = string | string[] | null;

export type DefaultsEntry =
  | { kind: 'self' }
  | {
      kind: 'group';
      /** Absolute group path (`trainer/callbacks`). */
      group: string;
      /** Package as written after `@`, if any. */
      pkg: string | undefined;
      option: GroupOption;
      optional: boolean;
      override: boolean;
      /** File (or `<cli>` override) that declared it. */
      from: string;
    }
  | { kind: 'config'; name: string; pkg: string | undefined; from: string };

export const MISSING_OPTION = '???';

const SEGMENT_RE = /^[A-Za-z_$][\w$.-]*$/;

function show(value: unknown): string {
  return JSON.stringify(value);
}

export function parentGroupOf(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash < 0 ? '' : name.slice(0, slash);
}

/** Resolves a group/config path written in `file` (relative to its folder; `/x` is absolute). */
export function absolutePath(written: string, parentGroup: string): string {
  if (written.startsWith('/')) return written.slice(1);
  return parentGroup ? `${parentGroup}/${written}` : written;
}

/** The key CLI overrides and `override` entries match on: `group` or `group@pkg`. */
export function entryKey(group: string, pkg: string | undefined): string {
  return pkg === undefined ? group : `${group}@${pkg}`;
}

/**
 * Parses a config's `defaults` list (Hydra "The Defaults List"):
 * `_self_`, `group: option`, `group@pkg: option`, `optional group: option`,
 * `override group: option`, `group: [a, b]`, `group: null`, `group: ???`,
 * and plain configs `group/option`, `/abs/option@pkg`.
 */
export function parseDefaults(file: ConfigFile): DefaultsEntry[] {
  const raw = file.defaults;
  if (raw === undefined || raw === null) return [];
  const invalid = (problem: string, index?: number): never => {
    throw yamlError(ConfigYamlErrorCodes.DEFAULTS_INVALID, `${file.rel}: ${index === undefined ? 'the defaults list' : `defaults entry ${index + 1}`} ${problem}.`, {
      hint: 'Entries look like `- model: small`, `- optional db: mysql`, `- override /model: large`, `- model/small`, or `- _self_`.',
      details: { file: file.rel, ...(index === undefined ? {} : { index }) },
    });
  };
  if (!Array.isArray(raw)) invalid(`must be a list, found ${show(raw)}`);
  const parent = parentGroupOf(file.name);
  const entries: DefaultsEntry[] = [];
  let selfSeen = false;
  (raw as unknown[]).forEach((item, index) => {
    if (typeof item === 'string') {
      if (item === '_self_') {
        if (selfSeen) invalid('repeats `_self_`', index);
        selfSeen = true;
        entries.push({ kind: 'self' });
        return;
      }
      const [path, pkg, extra] = item.trim().split('@');
      if (extra !== undefined || !path || !checkPath(path)) invalid(`${show(item)} is not a config path like \`group/option\` or \`group/option@package\``, index);
      if (path!.includes('${')) invalid(`${show(item)}: interpolation in the defaults list is not supported`, index);
      entries.push({ kind: 'config', name: absolutePath(path!, parent), pkg, from: file.rel });
      return;
    }
    if (typeof item !== 'object' || item === null || Array.isArray(item) || Object.keys(item).length !== 1) {
      invalid(`must be \`group: option\`, a config path or \`_self_\`, found ${show(item)}`, index);
    }
    const [rawKey, rawValue] = Object.entries(item as Record<string, unknown>)[0]!;
    const words = rawKey.trim().split(/\s+/);
    const keyword = new Set(words.slice(0, -1));
    for (const word of keyword) if (word !== 'optional' && word !== 'override') invalid(`${show(rawKey)}: unknown keyword \`${word}\` (use optional or override)`, index);
    const target = words[words.length - 1]!;
    const [groupPath, pkg, extra] = target.split('@');
    if (extra !== undefined || !groupPath || !checkPath(groupPath)) invalid(`${show(rawKey)} is not a config group like \`model\` or \`trainer/callbacks@cb\``, index);
    let option: GroupOption;
    if (rawValue === null) option = null;
    else if (typeof rawValue === 'string' || typeof rawValue === 'number') option = String(rawValue);
    else if (Array.isArray(rawValue) && rawValue.every((v) => typeof v === 'string' || typeof v === 'number')) option = rawValue.map(String);
    else return invalid(`${show(rawKey)}: the option must be a name, a list of names, null or ???; found ${show(rawValue)}`, index);
    const names = option === null ? [] : Array.isArray(option) ? option : [option];
    for (const name of names) {
      if (name.includes('${')) invalid(`${show(rawKey)}: interpolation in the defaults list is not supported`, index);
      if (name.length === 0) invalid(`${show(rawKey)}: empty option name`, index);
    }
    entries.push({
      kind: 'group',
      group: absolutePath(groupPath!, parent),
      pkg,
      option,
      optional: keyword.has('optional'),
      override: keyword.has('override'),
      from: file.rel,
    });
  });
  return entries;
}

function checkPath(path: string): boolean {
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  return trimmed.split('/').every((segment) => SEGMENT_RE.test(segment));
}
