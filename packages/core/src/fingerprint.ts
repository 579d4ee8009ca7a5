import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { Action } from './define.js';
import { AeroError, ErrorCodes } from './errors.js';
import { digestOf, sha256File, sha256Hex } from './hash.js';

const IMPORT_PATTERNS = [
  /(?:import|export)\s[^;'"`]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g,
  /import\s*['"](\.{1,2}\/[^'"]+)['"]/g,
  /import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
  /require\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
];
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx'];

/** One file's content digest plus the files it imports relatively. */
interface FileNode {
  sha256: string;
  imports: string[];
}

/**
 * Code fingerprints. An action's fingerprint covers its module and every module it
 * reaches through relative imports (so a change in an imported helper invalidates
 * the cache), plus declared `deps`. Package imports are not followed: a dependency
 * upgrade shows in the lockfile, which users can list in `deps`.
 */
export class Fingerprinter {
  private readonly files = new Map<string, Promise<FileNode | null>>();
  private readonly actions = new Map<string, Promise<CodeFingerprint>>();
  /** Source walks by entry file: 100,000 actions defined in one module walk it once. */
  private readonly walks = new Map<string, Promise<Record<string, string>>>();

  constructor(private readonly cwd: string) {}

  fingerprint(action: Action): Promise<CodeFingerprint> {
    let pending = this.actions.get(action.name);
    if (!pending) {
      pending = this.compute(action);
      this.actions.set(action.name, pending);
    }
    return pending;
  }

  /**
   * Fingerprints of actions without `deps` that share a version or a source walk are the
   * same value: built once (100,000 actions from one loop used to build 100,000 copies).
   */
  private readonly shared = new Map<string, CodeFingerprint>();

  private async compute(action: Action): Promise<CodeFingerprint> {
    const deps: Record<string, string> = {};
    for (const dep of action.deps) deps[dep] = await this.hashDep(action, dep);
    const noDeps = action.deps.length === 0;
    if (action.version !== undefined) {
      const key = `version\u0000${action.version}`;
      const known = noDeps ? this.shared.get(key) : undefined;
      if (known) return known;
      const fingerprint: CodeFingerprint = { kind: 'version', digest: digestOf({ version: action.version, deps }), files: deps };
      if (noDeps) this.shared.set(key, fingerprint);
      return fingerprint;
    }
    if (action.command) return { kind: 'command', digest: digestOf({ command: action.command, deps }), files: deps };
    if (!action.sourceFile) {
      // No source file (defined from a REPL or eval): fall back to the function text.
      const text = action.run.toString();
      return { kind: 'function', digest: digestOf({ run: sha256Hex(text), deps }), files: deps };
    }
    let walk = this.walks.get(action.sourceFile);
    if (!walk) {
      walk = this.walkSources(action.sourceFile);
      this.walks.set(action.sourceFile, walk);
    }
    const files = await walk;
    const key = `source\u0000${action.sourceFile}`;
    const known = noDeps ? this.shared.get(key) : undefined;
    if (known) return known;
    const fingerprint: CodeFingerprint = { kind: 'source', digest: digestOf({ files, deps }), files: { ...files, ...deps } };
    if (noDeps) this.shared.set(key, fingerprint);
    return fingerprint;
  }

  /** sha256 of the entry file and of every file it reaches through relative imports. */
  private async walkSources(entry: string): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    const queue = [entry];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const node = await this.readNode(file);
      if (!node) continue;
      files[relative(this.cwd, file)] = node.sha256;
      queue.push(...node.imports);
    }
    return files;
  }

  private async hashDep(action: Action, dep: string): Promise<string> {
    const path = resolve(this.cwd, dep);
    try {
      return (await sha256File(path)).sha256;
    } catch (cause) {
      throw new AeroError(ErrorCodes.PLAN_INVALID, `Action \`${action.name}\` lists dependency \`${dep}\`, which cannot be read.`, {
        hint: 'Check the path in `deps`; it is relative to the project directory.',
        cause,
      });
    }
  }

  private readNode(file: string): Promise<FileNode | null> {
    let pending = this.files.get(file);
    if (!pending) {
      pending = readFile(file, 'utf8').then(
        async (text) => ({ sha256: sha256Hex(text), imports: await resolveImports(file, text) }),
        () => null,
      );
      this.files.set(file, pending);
    }
    return pending;
  }
}

export interface CodeFingerprint {
  kind: 'version' | 'command' | 'function' | 'source';
  digest: string;
  /** File → sha256, shown by `aero why`. */
  files: Record<string, string>;
}

async function resolveImports(file: string, text: string): Promise<string[]> {
  const specs = new Set<string>();
  for (const pattern of IMPORT_PATTERNS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) if (m[1]) specs.add(m[1]);
  }
  const out: string[] = [];
  for (const spec of specs) {
    const resolved = await resolveModule(resolve(dirname(file), spec));
    if (resolved) out.push(resolved);
  }
  return out;
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
