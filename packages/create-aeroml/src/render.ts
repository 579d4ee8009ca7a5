import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** templates/ ships next to dist/ (and src/ in this repository). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));

/** npm pack drops or renames dotfiles such as .gitignore, so templates store them as `_name`. */
const DOTFILES = new Set(['_gitignore']);

export interface RenderedFile {
  /** Project-relative path with `/` separators. */
  path: string;
  content: string;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}

/** Files of the given template folders with `{{key}}` placeholders filled; later folders win. */
export async function renderTemplates(folders: string[], values: Record<string, string>): Promise<RenderedFile[]> {
  const files = new Map<string, string>();
  for (const folder of folders) {
    const root = join(TEMPLATES_DIR, folder);
    for (const file of await walk(root)) {
      const parts = relative(root, file).split(sep);
      const base = parts[parts.length - 1]!;
      if (DOTFILES.has(base)) parts[parts.length - 1] = `.${base.slice(1)}`;
      const text = (await readFile(file, 'utf8')).replace(/\{\{(\w+)\}\}/g, (match, key: string) => {
        const value = values[key];
        if (value === undefined) throw new Error(`template ${folder}/${relative(root, file)} uses {{${key}}}, which create-aeroml does not define`);
        return value;
      });
      files.set(parts.join('/'), text);
    }
  }
  return [...files].map(([path, content]) => ({ path, content })).sort((a, b) => a.path.localeCompare(b.path));
}
