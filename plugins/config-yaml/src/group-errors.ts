import { AeroError, didYouMean, nearestNames } from '@aeroml/core';
import { ConfigYamlErrorCodes, yamlError } from './errors.js';
import type { ConfigRepository } from './files.js';
import { leavesFolder } from './names.js';

/**
 * The hint for a group option that cannot be used: the nearest real option first, then
 * all of them. A name that climbs out (`../fit/fast`) is matched by its last segment,
 * which may be a real option itself.
 */
export function optionsHint(repo: ConfigRepository, group: string, wrong?: string): string {
  const options = repo.options(group);
  if (options.length === 0) return `There is no option: the folder ${repo.relative(`${repo.confDir}/${group}`)} has no .yaml file.`;
  let near: string[] = [];
  if (wrong !== undefined) {
    const last = wrong.split(/[\\/]/).pop() ?? wrong;
    near = options.includes(last) && last !== wrong ? [last] : nearestNames(wrong, options);
  }
  return `${didYouMean(near)} Available options: ${options.join(', ')}.`.trim();
}

/** The error for option `name` of `group` when it would leave the group's folder; undefined for a name inside it. */
export function optionOutsideError(repo: ConfigRepository, group: string, name: string, from: string): AeroError | undefined {
  const reason = leavesFolder(name);
  if (reason === undefined) return undefined;
  const folder = repo.relative(`${repo.confDir}/${group}`);
  return yamlError(ConfigYamlErrorCodes.OPTION_NOT_FOUND, `Config group \`${group}\` has no option \`${name}\` (selected by ${from}): an option names a .yaml file inside ${folder}/, and ${reason}.`, {
    hint: optionsHint(repo, group, name),
    details: { group, option: name, reason: 'outside-group' },
  });
}
