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
