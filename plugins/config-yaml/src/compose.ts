import { AeroAggregateError, AeroError, ErrorCodes, didYouMean, nearestNames } from '@aeroml/core';
import { type DefaultsEntry, type GroupOption, MISSING_OPTION, entryKey, parentGroupOf, parseDefaults } from './defaults.js';
import { ConfigYamlErrorCodes, PLUGIN, yamlError } from './errors.js';
import type { ConfigFile, ConfigRepository } from './files.js';
import { optionOutsideError, optionsHint } from './group-errors.js';

/** A command-line override that selects config group options (`model=large`, `+db=mysql`, `~db`). */
export interface GroupOverride {
  text: string;
  kind: 'set' | 'add' | 'force' | 'delete';
  group: string;
  pkg: string | undefined;
  /** `undefined` only for `~group` without a value. */
  option: GroupOption | undefined;
}

/** One config to merge, in order, at its package. */
export interface ComposeNode {
  file: ConfigFile;
  pkg: string;
}

interface FileOverride {
  option: GroupOption;
  from: string;
}

const MAX_PASSES = 8;

function dotted(group: string): string {
  return group.split('/').join('.');
}

/** Where a config's content goes (Hydra "Packages"): `@pkg` in the defaults list wins, then the `# @package` header, then the group. */
function packageFor(written: string | undefined, header: string | undefined, group: string, parentPkg: string): string {
  const special = (pkg: string): string | undefined => {
    if (pkg === '' || pkg === '_global_') return '';
    if (pkg.startsWith('_global_.')) return pkg.slice('_global_.'.length);
    if (pkg === '_group_') return dotted(group);
    if (pkg === '_here_') return parentPkg;
    return undefined;
  };
  if (written !== undefined) {
    const s = special(written);
    if (s !== undefined) return s;
    return parentPkg ? `${parentPkg}.${written}` : written;
  }
  if (header !== undefined) return special(header) ?? header;
  return dotted(group);
}

function sameOverrides(a: Map<string, FileOverride>, b: Map<string, FileOverride>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) {
    const other = b.get(key);
    if (!other || JSON.stringify(other.option) !== JSON.stringify(value.option)) return false;
  }
  return true;
}

/** For `~group=a` when the group is set to something else: the overrides that do delete it. */
function deleteHint(key: string, current: GroupOption): string {
  const also = typeof current === 'string' ? ` or ~${key}=${current}` : '';
  return `To delete it whatever its option, use ~${key}${also}.`;
}

/** For `~group` when no defaults list has the group: the nearest listed group, then all of them. */
function notListedDeleteHint(o: GroupOverride, listed: string[]): string {
  const key = entryKey(o.group, o.pkg);
  const eq = o.text.indexOf('=');
  const value = eq < 0 ? '' : o.text.slice(eq);
  const near = nearestNames(key, listed).map((k) => `~${k}${value}`);
  const groups = listed.length ? `the defaults list has ${[...listed].sort().join(', ')}` : 'the defaults list has no config group';
  return `${didYouMean(near)} Nothing to delete: ${groups}.`.trim();
}

function optionNames(option: GroupOption): string[] {
  return option === null ? [] : Array.isArray(option) ? option : [option];
}

class Pass {
  readonly nodes: ComposeNode[] = [];
  readonly errors: AeroError[] = [];
  /** Keys of group defaults declared in files (not appended from the command line), with the file. */
  readonly declared = new Map<string, string>();
  readonly usedCli = new Set<GroupOverride>();
  readonly fileOverrides: Map<string, FileOverride>;
  private readonly stack: string[] = [];

  constructor(
    private readonly repo: ConfigRepository,
    private readonly cli: Map<string, GroupOverride>,
    private readonly deletes: Map<string, GroupOverride>,
    private readonly appends: GroupOverride[],
    seeded: Map<string, FileOverride>,
  ) {
    this.fileOverrides = new Map(seeded);
  }

  visit(file: ConfigFile, pkg: string, primary: boolean): void {
    if (this.stack.includes(file.rel)) {
      throw yamlError(ConfigYamlErrorCodes.DEFAULTS_CYCLE, `The defaults lists form a cycle: ${[...this.stack, file.rel].join(' → ')}.`, {
        hint: 'A config cannot include itself, directly or through other configs; remove one of the entries.',
        details: { cycle: [...this.stack, file.rel] },
      });
    }
    this.stack.push(file.rel);
    this.repo.markUsed(file);
    const entries: (DefaultsEntry & { appended?: GroupOverride })[] = parseDefaults(file);
    // Hydra 1.1 "Composition order": without `_self_`, a config's own values come after its defaults.
    if (!entries.some((e) => e.kind === 'self')) entries.push({ kind: 'self' });
    if (primary) {
      for (const o of this.appends) {
        entries.push({ kind: 'group', group: o.group, pkg: o.pkg, option: o.option ?? null, optional: false, override: false, from: '<cli>', appended: o });
      }
    }
    for (const e of entries) {
      if (e.kind === 'group' && e.override) this.fileOverrides.set(entryKey(e.group, e.pkg), { option: e.option, from: e.from });
    }
    for (const e of entries) {
      if (e.kind === 'self') {
        this.nodes.push({ file, pkg });
      } else if (e.kind === 'config') {
        const child = this.repo.find(e.name);
        if (!child) {
          this.errors.push(
            yamlError(ConfigYamlErrorCodes.OPTION_NOT_FOUND, `${e.from} includes the config \`${e.name}\`, but ${this.repo.relative(`${this.repo.confDir}/${e.name}.yaml`)} does not exist.`, {
              hint: 'Check the path in the defaults list; it is relative to the folder of the file that lists it (start it with / for the config folder).',
              details: { config: e.name, file: e.from },
            }),
          );
          continue;
        }
        const group = parentGroupOf(e.name);
        this.visit(child, packageFor(e.pkg, child.headerPackage, group, pkg), false);
      } else if (!e.override) {
        this.visitGroup(e, pkg);
      }
    }
    this.stack.pop();
  }

  private visitGroup(e: Extract<DefaultsEntry, { kind: 'group' }> & { appended?: GroupOverride }, parentPkg: string): void {
    const key = entryKey(e.group, e.pkg);
    let option = e.option;
    let from = e.appended ? `\`${e.appended.text}\` on the command line` : e.from;
    if (!e.appended) {
      if (!this.declared.has(key)) this.declared.set(key, e.from);
      const del = this.deletes.get(key);
      if (del) {
        this.usedCli.add(del);
        const current = this.currentOption(key, e.option);
        if (del.option === undefined || JSON.stringify(del.option) === JSON.stringify(current)) return;
        this.errors.push(
          new AeroError(ErrorCodes.OVERRIDE_INVALID, `Cannot apply override \`${del.text}\`: config group \`${key}\` is set to ${JSON.stringify(current)}, not ${JSON.stringify(del.option)}; nothing was deleted.`, {
            plugin: PLUGIN,
            hint: deleteHint(key, current),
            details: { override: del.text, reason: 'value-mismatch' },
          }),
        );
        return;
      }
      const cli = this.cli.get(key);
      const fileOverride = this.fileOverrides.get(key);
      if (cli) {
        this.usedCli.add(cli);
        option = cli.option ?? null;
        from = `\`${cli.text}\` on the command line`;
      } else if (fileOverride) {
        option = fileOverride.option;
        from = `\`override ${key}\` in ${fileOverride.from}`;
      }
    }
    if (option === null) return;
    if (option === MISSING_OPTION) {
      this.errors.push(
        yamlError(ConfigYamlErrorCodes.GROUP_MISSING, `Config group \`${key}\` needs an option: ${from} leaves it as ???. Pick one on the command line, e.g. ${key}=<option>.`, {
          hint: optionsHint(this.repo, e.group),
          details: { group: e.group, file: e.from },
        }),
      );
      return;
    }
    for (const name of optionNames(option)) {
      // Refused even when `optional`: an option that leaves the group folder is a mistake, not an absent file.
      const outside = optionOutsideError(this.repo, e.group, name, from);
      if (outside) {
        this.errors.push(outside);
        continue;
      }
      const child = this.repo.find(`${e.group}/${name}`);
      if (!child) {
        if (e.optional) continue;
        const exists = this.repo.isGroup(e.group);
        this.errors.push(
          yamlError(
            ConfigYamlErrorCodes.OPTION_NOT_FOUND,
            exists
              ? `Config group \`${e.group}\` has no option \`${name}\` (selected by ${from}): ${this.repo.relative(`${this.repo.confDir}/${e.group}/${name}.yaml`)} does not exist.`
              : `Config group \`${e.group}\` does not exist (selected by ${from}): there is no folder ${this.repo.relative(`${this.repo.confDir}/${e.group}`)}.`,
            { hint: exists ? optionsHint(this.repo, e.group, name) : 'Create the folder with one .yaml file per option, or fix the group name.', details: { group: e.group, option: name } },
          ),
        );
        continue;
      }
      this.visit(child, packageFor(e.pkg, child.headerPackage, e.group, parentPkg), false);
    }
  }

  private currentOption(key: string, declared: GroupOption): GroupOption {
    return this.cli.get(key)?.option ?? this.fileOverrides.get(key)?.option ?? declared;
  }
}

/**
 * Composes the config (Hydra "The Defaults List"): walks the primary config's defaults
 * list depth-first, applying group overrides from the command line and `override`
 * entries from files, and returns the configs to merge in order. `override` entries
 * found late (an experiment config appended with `+experiment=x`) apply to groups
 * listed earlier: the walk repeats until the selection is stable.
 */
export function composeDefaults(repo: ConfigRepository, primary: ConfigFile, primaryPkg: string, overrides: GroupOverride[]): ComposeNode[] {
  const cli = new Map<string, GroupOverride>();
  const deletes = new Map<string, GroupOverride>();
  const appends: GroupOverride[] = [];
  const forces: GroupOverride[] = [];
  for (const o of overrides) {
    const key = entryKey(o.group, o.pkg);
    if (o.kind === 'delete') deletes.set(key, o);
    else if (o.kind === 'add') appends.push(o);
    else {
      cli.set(key, o);
      if (o.kind === 'force') forces.push(o);
    }
  }
  let seeded = new Map<string, FileOverride>();
  let pass: Pass | undefined;
  for (let i = 0; i < MAX_PASSES; i++) {
    repo.resetUsed();
    pass = new Pass(repo, cli, deletes, appends, seeded);
    pass.visit(primary, primaryPkg, true);
    // `++group=option` adds the group when no defaults list has it.
    const unmatchedForces = forces.filter((o) => !pass!.usedCli.has(o) && !appends.includes(o));
    if (unmatchedForces.length > 0) {
      for (const o of unmatchedForces) {
        cli.delete(entryKey(o.group, o.pkg));
        appends.push(o);
      }
      continue;
    }
    if (sameOverrides(seeded, pass.fileOverrides)) break;
    seeded = pass.fileOverrides;
  }
  const done = pass!;
  const errors = [...done.errors];
  for (const o of overrides) {
    const key = entryKey(o.group, o.pkg);
    if (o.kind === 'add' && done.declared.has(key)) {
      errors.push(
        new AeroError(ErrorCodes.OVERRIDE_INVALID, `Cannot apply override \`${o.text}\`: config group \`${key}\` is already in the defaults list (${done.declared.get(key)}).`, {
          plugin: PLUGIN,
          hint: `To change its option use ${o.text.slice(1)}, or ++${o.text.slice(1)} to add or replace.`,
          details: { override: o.text, reason: 'group-exists' },
        }),
      );
    } else if ((o.kind === 'set' || o.kind === 'delete') && !done.usedCli.has(o)) {
      errors.push(
        new AeroError(
          ErrorCodes.OVERRIDE_INVALID,
          o.kind === 'set'
            ? `Cannot apply override \`${o.text}\`: config group \`${key}\` is not in the defaults list.`
            : `Cannot apply override \`${o.text}\`: config group \`${key}\` is not in the defaults list, so nothing was deleted.`,
          {
            plugin: PLUGIN,
            hint: o.kind === 'set' ? `To add it, use +${o.text}` : notListedDeleteHint(o, [...done.declared.keys()]),
            details: { override: o.text, reason: 'group-not-in-defaults' },
          },
        ),
      );
    }
  }
  for (const [key, fileOverride] of done.fileOverrides) {
    if (!done.declared.has(key)) {
      errors.push(
        yamlError(ConfigYamlErrorCodes.DEFAULTS_INVALID, `${fileOverride.from}: \`override ${key}\` matches no config group in the defaults list.`, {
          hint: `List the group first (e.g. \`- ${key}: <option>\` in the primary config), or drop the override keyword to add it.`,
          details: { file: fileOverride.from, group: key },
        }),
      );
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) {
    throw new AeroAggregateError(ErrorCodes.CONFIG_INVALID, `The config cannot be composed (${errors.length} problems):`, errors, { plugin: PLUGIN });
  }
  return done.nodes;
}
