import { readFile, stat } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { sha256Hex } from '../hash.js';
import type { ModuleAnalysis } from './analysis.js';
import { AnalysisCache } from './analysis-cache.js';
import { analyseModule } from './analyse.js';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx'];

export interface LoadedModule {
  /** sha256 of the file's bytes as text. */
  sha256: string;
  analysis: ModuleAnalysis;
}

/**
 * Source files, their analyses and where their imports lead, each found once per
 * fingerprinter (a pipeline of 1,000 actions in one file reads and analyses it once).
 */
export class Modules {
  private readonly loaded = new Map<string, Promise<LoadedModule | null>>();
  private readonly resolved = new Map<string, Promise<string | undefined>>();
  private readonly versions = new Map<string, Promise<string>>();
  private readonly cache: AnalysisCache;

  constructor(cwd: string) {
    this.cache = new AnalysisCache(cwd);
  }

  /** `null` when the file cannot be read (it is then left out, as a missing import is at run time). */
  load(file: string): Promise<LoadedModule | null> {
    let pending = this.loaded.get(file);
    if (!pending) {
      pending = this.read(file);
      this.loaded.set(file, pending);
    }
    return pending;
  }

  private async read(file: string): Promise<LoadedModule | null> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return null;
    }
    const sha256 = sha256Hex(text);
    const extension = extname(file);
    let analysis = await this.cache.get(sha256, extension);
    if (!analysis) {
      analysis = analyseModule(file, text);
      await this.cache.put(sha256, extension, analysis);
    }
    return { sha256, analysis };
  }

  /** The file a relative specifier names, trying TypeScript's `./x.js` → `./x.ts` and index files. */
  resolveRelative(fromFile: string, specifier: string): Promise<string | undefined> {
    const base = resolve(dirname(fromFile), specifier);
    let pending = this.resolved.get(base);
    if (!pending) {
      pending = resolveModule(base);
      this.resolved.set(base, pending);
    }
    return pending;
  }

  /**
   * What a `#name` specifier (package.json `imports`, Node's subpath imports) names, from the
   * nearest package.json above `fromFile`: a file of the project (its code is then part of
   * the identity, as a relative import's), another specifier (a package, say), or undefined
   * when no `imports` entry matches (it then fails at run time, not here).
   */
  resolveSubpath(fromFile: string, specifier: string): Promise<{ file: string } | { specifier: string } | undefined> {
    const key = `${dirname(fromFile)}\u0000${specifier}`;
    let pending = this.subpaths.get(key);
    if (!pending) {
      pending = subpathTarget(dirname(fromFile), specifier).then(async (found) => {
        if (!found) return undefined;
        if (!isRelative(found.target)) return { specifier: found.target };
        const file = await resolveModule(resolve(found.dir, found.target));
        return file ? { file } : undefined;
      });
      this.subpaths.set(key, pending);
    }
    return pending;
  }

  private readonly subpaths = new Map<string, Promise<{ file: string } | { specifier: string } | undefined>>();

  /**
   * `name@version` of the package a bare specifier loads, as installed for `fromFile`
   * (`name@unresolved` if it is not installed there). Node built-ins have no version of
   * their own and are left out (`undefined`).
   */
  packageVersion(fromFile: string, specifier: string): Promise<string> | undefined {
    if (isBuiltin(specifier)) return undefined;
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    const key = `${dirname(fromFile)}\u0000${name}`;
    let pending = this.versions.get(key);
    if (!pending) {
      pending = installedVersion(dirname(fromFile), name).then((version) => `${name}@${version ?? 'unresolved'}`);
      this.versions.set(key, pending);
    }
    return pending;
  }
}

export function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
}

/** The `imports` entry of the nearest package.json matching `specifier` (exact, or one `*` pattern), with that file's folder. */
async function subpathTarget(fromDir: string, specifier: string): Promise<{ dir: string; target: string } | undefined> {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    let manifest: { imports?: unknown } | undefined;
    try {
      manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { imports?: unknown };
    } catch {
      manifest = undefined;
    }
    // The nearest package.json is the package's scope, with or without `imports` (as in Node).
    if (manifest) {
      const imports = manifest.imports && typeof manifest.imports === 'object' ? (manifest.imports as Record<string, unknown>) : {};
      const exact = conditionTarget(imports[specifier]);
      if (exact !== undefined) return { dir, target: exact };
      for (const [pattern, value] of Object.entries(imports)) {
        const star = pattern.indexOf('*');
        if (star < 0 || pattern.indexOf('*', star + 1) >= 0) continue;
        const [head, tail] = [pattern.slice(0, star), pattern.slice(star + 1)];
        if (!specifier.startsWith(head) || !specifier.endsWith(tail) || specifier.length < pattern.length - 1) continue;
        const target = conditionTarget(value);
        if (target !== undefined) return { dir, target: target.replaceAll('*', specifier.slice(head.length, specifier.length - tail.length)) };
      }
      return undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** A target string from an `imports` value: a string, or the first of the conditions Node's loader would take for aero (import, node, default), or of an array. */
function conditionTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = conditionTarget(item);
      if (target !== undefined) return target;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [condition, inner] of Object.entries(value as Record<string, unknown>)) {
      if (condition === 'import' || condition === 'node' || condition === 'default' || condition === 'require') {
        const target = conditionTarget(inner);
        if (target !== undefined) return target;
      }
    }
  }
  return undefined;
}

async function installedVersion(fromDir: string, name: string): Promise<string | undefined> {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(await readFile(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version?: unknown };
      return typeof manifest.version === 'string' ? manifest.version : undefined;
    } catch {
      // not installed at this level: look further up
    }
    if (dirname(dir) === dir) return undefined;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function resolveModule(base: string): Promise<string | undefined> {
  const candidates = [base];
  const jsExt = /\.(m|c)?jsx?$/.exec(base);
  if (jsExt) {
    const stem = base.slice(0, -jsExt[0].length);
    candidates.push(...EXTENSIONS.map((e) => stem + e));
  }
  candidates.push(...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => `${base}/index${e}`));
  for (const candidate of candidates) if (await isFile(candidate)) return candidate;
  return undefined;
}
