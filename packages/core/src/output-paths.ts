import { posix, win32 } from 'node:path';
import type { Action } from './define.js';
import { AeroError, ErrorCodes } from './errors.js';

/**
 * Paths stay inside their root (DESIGN: "Every path stays inside its root"). An output
 * path is joined under `<work dir>/out/<output name>` and its artifact is stored as
 * `artifacts/<action>.<output>/`, so the resolved template, the output name and the
 * action name are all checked here, at plan time, before anything is written.
 */

const PATH_HINT = 'Output paths are relative to the artifact folder and stay inside it: no leading `/`, no `..` that climbs out. Check the template and the partition values and vars that fill it.';
const NO_FILE_HINT = "An output's path names the file its handler writes, inside the artifact folder (`model.json`, `{split}/map.npy`); without `path` it is `<output>.<extension>`.";
const NAME_RULE = 'output and action names become folder names, so they cannot contain `/` or `\\` or be `.` or `..`';

/** Why `path` is not a safe relative path inside its folder, or undefined when it is. */
export function pathEscape(path: string): 'absolute' | 'climbs' | 'no-file' | undefined {
  // A path that names the artifact folder itself, or a folder: the write would fail on the
  // folder at run time (ENOTDIR, EISDIR) instead of here.
  const end = path[path.length - 1];
  if (path === '' || path === '.' || end === '/' || end === '\\') return 'no-file';
  // Fast path for the common case (100,000 instances plan often): nothing that could escape.
  if (!path.includes('..') && path[0] !== '/' && path[0] !== '\\' && path[1] !== ':') return undefined;
  if (posix.isAbsolute(path) || win32.isAbsolute(path)) return 'absolute';
  // Lexical check on the normalised path: the folder it is joined under is fresh, so no
  // symlink inside it can send a write elsewhere; `\` counts as a separator as on Windows.
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  if (normal === '..' || normal.startsWith('../')) return 'climbs';
  if (normal === '.' || normal === './') return 'no-file';
  return undefined;
}

function isPlainName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/** Action and output names that are not one plain path segment. */
export function unsafeNameIssues(actions: readonly Action[]): AeroError[] {
  const issues: AeroError[] = [];
  for (const action of actions) {
    for (const output of Object.keys(action.outputs)) {
      if (!isPlainName(output)) issues.push(new AeroError(ErrorCodes.PLAN_PATH_ESCAPES, `Output name \`${output}\` of \`${action.name}\` is not a plain name: ${NAME_RULE}.`, { hint: 'Rename the output.', details: { action: action.name, output } }));
    }
  }
  for (const action of actions) {
    if (!isPlainName(action.name)) issues.push(new AeroError(ErrorCodes.PLAN_PATH_ESCAPES, `Action name \`${action.name}\` is not a plain name: ${NAME_RULE}.`, { hint: 'Rename the action.', details: { action: action.name } }));
  }
  return issues;
}

/**
 * Collects resolved output paths that escape, one issue per (action, output) with the
 * first offending instance and a count of the others: a bad split name would otherwise
 * give one line per simulation.
 */
export class EscapingPaths {
  private readonly found = new Map<string, { instanceId: string; action: string; output: string; path: string; template: string; reason: 'absolute' | 'climbs' | 'no-file'; more: number }>();

  check(instanceId: string, action: Action, output: string, path: string, template: string): boolean {
    const reason = pathEscape(path);
    if (!reason) return true;
    const key = `${action.name}\u0000${output}`;
    const seen = this.found.get(key);
    if (seen) seen.more++;
    else this.found.set(key, { instanceId, action: action.name, output, path, template, reason, more: 0 });
    return false;
  }

  issues(): AeroError[] {
    return [...this.found.values()].map((f) => {
      const what = f.reason === 'absolute' ? 'an absolute path' : f.reason === 'climbs' ? 'which leaves its artifact folder' : 'which names no file in its artifact folder (give a file name, e.g. `data.json`)';
      const more = f.more > 0 ? ` (and ${f.more} more instance${f.more === 1 ? '' : 's'} of \`${f.action}\`)` : '';
      return new AeroError(ErrorCodes.PLAN_PATH_ESCAPES, `Output \`${f.output}\` of \`${f.instanceId}\` resolves to \`${f.path}\` (template \`${f.template}\`), ${what}${more}.`, {
        hint: f.reason === 'no-file' ? NO_FILE_HINT : PATH_HINT,
        details: { action: f.action, output: f.output, path: f.path, template: f.template },
      });
    });
  }
}
