import { resolve } from 'node:path';
import { CodeIdentity, sourceFilesOf } from './code-identity/index.js';
import type { Action } from './define.js';
import { AeroError, ErrorCodes } from './errors.js';
import { digestOf, sha256File, sha256Hex } from './hash.js';

/**
 * Code fingerprints. An action's fingerprint is its code identity (code-identity/: its
 * `run`, and the declarations, modules and package versions `run` reaches; never the
 * code of upstream actions it only names in `inputs`), plus declared `deps`; or an
 * explicit `version`; for commands, `cmd` and `deps`.
 */
export class Fingerprinter {
  private readonly actions = new Map<string, Promise<CodeFingerprint>>();
  private readonly identity: CodeIdentity;

  constructor(private readonly cwd: string) {
    this.identity = new CodeIdentity(cwd);
  }

  /** The project's source files `file` imports, itself included (paths relative to the project, as in code parts). */
  async sourceFilesOf(file: string): Promise<string[]> {
    return sourceFilesOf(await this.identity.ofFile(file));
  }

  fingerprint(action: Action): Promise<CodeFingerprint> {
    // An explicit version without deps is one shared value (see compute): no entry per action.
    if (action.version !== undefined && action.deps.length === 0) {
      let shared = this.byVersion.get(action.version);
      if (!shared) this.byVersion.set(action.version, (shared = this.compute(action)));
      return shared;
    }
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
  /** Pending fingerprints of versioned actions without deps, by version. */
  private readonly byVersion = new Map<string, Promise<CodeFingerprint>>();

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
    const identity = await this.identity.ofAction(action.sourceFile, action.name);
    // Actions sharing one whole-file identity share its fingerprint object too.
    const key = `source\u0000${action.sourceFile}`;
    const known = noDeps && identity.wholeFile ? this.shared.get(key) : undefined;
    if (known) return known;
    const files = identity.parts;
    const fingerprint: CodeFingerprint = { kind: 'source', digest: digestOf({ files, deps }), files: { ...files, ...deps } };
    if (noDeps && identity.wholeFile) this.shared.set(key, fingerprint);
    return fingerprint;
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
}

export interface CodeFingerprint {
  kind: 'version' | 'command' | 'function' | 'source';
  digest: string;
  /** Part (file, `file#declaration`, `npm:package`) → hash, shown by `aero why`; see code-identity/parts.ts. */
  files: Record<string, string>;
}
