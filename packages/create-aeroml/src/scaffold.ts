import { basename } from 'node:path';
import type { Choices } from './choices.js';
import { directPackages, projectPackageJson } from './package-json.js';
import { renderTemplates, type RenderedFile } from './render.js';
import { resolveTarballs } from './tarballs.js';
import { templateFolders, type PluginKind, type TemplateId } from './templates.js';
import { mergePackageJson, readProjectPackageJson, writeProjectPackageJson, type PackageJsonMerge } from './merge-package-json.js';
import { checkEmptyTarget, checkNoClashes, writeNewFiles } from './write-files.js';

export interface ScaffoldOptions {
  /** Absolute folder to write into. */
  dir: string;
  template: TemplateId;
  pluginKind?: PluginKind | undefined;
  /** Package name (default: the folder name). */
  name?: string | undefined;
  /** Folder of `npm pack` tarballs the `@aeroml/*` dependencies point at. */
  fromTarballs?: string | undefined;
  /**
   * 'new' (npm create): the folder must be new or empty. 'existing' (aero init): the
   * folder may hold other files, but none the template writes; a package.json it has gets
   * the template's scripts and dependencies added.
   */
  target?: 'new' | 'existing';
}

export interface ScaffoldResult {
  dir: string;
  name: string;
  template: TemplateId;
  pluginKind?: PluginKind | undefined;
  /** Project-relative paths written, sorted. */
  files: string[];
  /** `aero init` in a project with a package.json: what was added to it, and what it has with another value (kept). */
  packageJson?: { added: string[]; kept: string[] } | undefined;
  /** The command to try first, e.g. `npx aero run`. */
  firstCommand: string;
}

/** Renders every file of the project in memory (nothing touches the disk). */
export async function renderProject(options: ScaffoldOptions): Promise<RenderedFile[]> {
  const name = options.name ?? basename(options.dir);
  const tarballs = options.fromTarballs ? await resolveTarballs(options.fromTarballs, directPackages(options.template, options.pluginKind)) : undefined;
  const project = name.replace(/^@[^/]+\//, '');
  const files = await renderTemplates(templateFolders(options.template, options.pluginKind), { name, project });
  const pkg = projectPackageJson({ name, template: options.template, pluginKind: options.pluginKind, tarballs });
  return [...files, { path: 'package.json', content: `${JSON.stringify(pkg, null, 2)}\n` }].sort((a, b) => a.path.localeCompare(b.path));
}

/** Writes a new project; checks everything (names, tarballs, clashes) before the first write. */
export async function scaffold(options: ScaffoldOptions): Promise<ScaffoldResult> {
  let files = await renderProject(options);
  let merge: PackageJsonMerge | undefined;
  if ((options.target ?? 'new') === 'new') await checkEmptyTarget(options.dir);
  else {
    // An existing package.json is added to, not refused: `npm init -y && aero init` is the
    // README's way into an existing project.
    const existing = await readProjectPackageJson(options.dir);
    if (existing) {
      const template = files.find((f) => f.path === 'package.json')!;
      merge = mergePackageJson(existing, JSON.parse(template.content) as Record<string, unknown>);
      files = files.filter((f) => f !== template);
    }
    await checkNoClashes(options.dir, files);
  }
  await writeNewFiles(options.dir, files);
  if (merge) await writeProjectPackageJson(options.dir, merge.merged);
  return {
    dir: options.dir,
    name: options.name ?? basename(options.dir),
    template: options.template,
    pluginKind: options.pluginKind,
    files: files.map((f) => f.path),
    ...(merge ? { packageJson: { added: merge.added, kept: merge.kept } } : {}),
    firstCommand: options.template === 'plugin' ? 'npm test' : 'npx aero run',
  };
}

export function scaffoldOptionsFrom(choices: Choices, extra: { fromTarballs?: string | undefined; target?: 'new' | 'existing' } = {}): ScaffoldOptions {
  return { dir: choices.dir, template: choices.template, pluginKind: choices.pluginKind, name: choices.name, fromTarballs: extra.fromTarballs, target: extra.target ?? 'new' };
}
