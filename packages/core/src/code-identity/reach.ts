import { relative } from 'node:path';
import type { CodePiece, ImportBinding, ModuleAnalysis } from './analysis.js';
import { isRelative, type LoadedModule, type Modules } from './modules.js';
import { packageKey, pieceKey } from './parts.js';

/**
 * The code an action's definition reaches: its `run`, the module-level declarations
 * and imports `run` mentions, and theirs, across relative modules; packages by version.
 * Where analysis cannot see what runs, whole files stand in (see docs/concepts.md):
 * `eval`/`new Function`, `import(x)`/`require(x)` with a computed specifier, namespace
 * imports, `export *`, side-effect imports, files that do not parse, and actions
 * defined inside a function, block, loop or branch (they may capture values there).
 *
 * Only `run` is followed, never the rest of the definition: `inputs: { x: up.output('y') }`
 * mentions the upstream action, whose effect arrives as the input's digest instead.
 */
export class Reach {
  /** Part name → hash (or `name@version` for packages). */
  private readonly parts: Record<string, string> = {};
  private readonly wholeFiles = new Set<string>();
  private readonly reachedNames = new Map<string, Set<string>>();
  private readonly reachedPieces = new Map<string, Set<number>>();
  private readonly entered = new Set<string>();
  private readonly statementsByName = new Map<string, Map<string, number[]>>();
  private readonly pending: Array<Promise<void>> = [];

  constructor(
    private readonly cwd: string,
    private readonly modules: Modules,
  ) {}

  /** The identity of action `name` defined in `file`: part name → hash. */
  static async ofAction(cwd: string, modules: Modules, file: string, name: string): Promise<Record<string, string>> {
    const reach = new Reach(cwd, modules);
    const loaded = await modules.load(file);
    const site = loaded?.analysis.actions[name];
    if (!loaded || loaded.analysis.unparsed || !site) reach.whole(file);
    else {
      reach.parts[pieceKey(reach.rel(file), site.label)] = site.hash;
      reach.follow(file, loaded, site);
      reach.enter(file, loaded);
    }
    return reach.done();
  }

  /** The file and every file it loads, whole: the identity of code analysis cannot split. */
  static async ofFile(cwd: string, modules: Modules, file: string): Promise<Record<string, string>> {
    const reach = new Reach(cwd, modules);
    reach.whole(file);
    return reach.done();
  }

  private async done(): Promise<Record<string, string>> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
    // A file included whole makes its declaration parts redundant: drop them so `why` names the file.
    const wholeParts = new Set([...this.wholeFiles].map((file) => this.rel(file)));
    const out: Record<string, string> = {};
    for (const key of Object.keys(this.parts).sort()) {
      const at = key.indexOf('#');
      if (at >= 0 && wholeParts.has(key.slice(0, at))) continue;
      out[key] = this.parts[key]!;
    }
    return out;
  }

  private rel(file: string): string {
    return relative(this.cwd, file);
  }

  private later(work: () => Promise<void>): void {
    this.pending.push(work());
  }

  /** The names a piece mentions, and what it loads or evaluates dynamically. */
  private follow(file: string, loaded: LoadedModule, piece: CodePiece): void {
    for (const ref of piece.refs) this.name(file, loaded, ref);
    const dynamic = piece.dynamic;
    if (!dynamic) return;
    if (dynamic.evalLike || dynamic.unknownSpecifier) this.whole(file);
    for (const specifier of dynamic.specifiers) this.specifier(file, specifier, (target) => this.whole(target));
  }

  /** First contact with a module: what runs whenever it is loaded (side-effect imports) comes along. */
  private enter(file: string, loaded: LoadedModule): void {
    if (this.entered.has(file)) return;
    this.entered.add(file);
    for (const specifier of loaded.analysis.sideEffectImports) this.specifier(file, specifier, (target) => this.whole(target));
  }

  private name(file: string, loaded: LoadedModule, name: string): void {
    let names = this.reachedNames.get(file);
    if (!names) this.reachedNames.set(file, (names = new Set()));
    if (names.has(name)) return;
    names.add(name);
    const { analysis } = loaded;
    for (const index of analysis.bindings[name] ?? []) this.piece(file, loaded, index);
    // A top-level statement that mentions a reached binding may change it (`table.set(...)`).
    for (const index of this.statementsMentioning(file, analysis).get(name) ?? []) this.piece(file, loaded, index);
    const imported = analysis.imports[name];
    if (imported) this.imported(file, imported);
  }

  private piece(file: string, loaded: LoadedModule, index: number): void {
    let pieces = this.reachedPieces.get(file);
    if (!pieces) this.reachedPieces.set(file, (pieces = new Set()));
    if (pieces.has(index)) return;
    pieces.add(index);
    const piece = loaded.analysis.pieces[index]!;
    this.parts[pieceKey(this.rel(file), piece.label)] = piece.hash;
    this.follow(file, loaded, piece);
  }

  private statementsMentioning(file: string, analysis: ModuleAnalysis): Map<string, number[]> {
    let byName = this.statementsByName.get(file);
    if (!byName) {
      byName = new Map();
      for (const index of analysis.statements) {
        for (const ref of analysis.pieces[index]!.refs) {
          const list = byName.get(ref);
          if (list) list.push(index);
          else byName.set(ref, [index]);
        }
      }
      this.statementsByName.set(file, byName);
    }
    return byName;
  }

  /** An import binding: a declaration of a relative module, a whole module (`* as m`), or a package. */
  private imported(file: string, binding: ImportBinding): void {
    this.specifier(file, binding.source, (target) => (binding.imported === '*' ? this.whole(target) : this.exported(target, binding.imported)));
  }

  /**
   * Resolves a specifier seen in `file`: a relative one to its file (`onFile`), a package
   * to its version part. An unresolvable relative specifier fails at run time, not here.
   */
  private specifier(file: string, specifier: string, onFile: (target: string) => void): void {
    if (specifier.startsWith('#')) {
      // A subpath import (package.json `imports`) is usually a file of the project: its code
      // counts like a relative import's, or an edit there would leave stale results cached.
      this.later(async () => {
        const found = await this.modules.resolveSubpath(file, specifier);
        if (found && 'file' in found) onFile(found.file);
        else if (found && !found.specifier.startsWith('#')) this.specifier(file, found.specifier, onFile);
      });
      return;
    }
    if (!isRelative(specifier)) {
      const version = this.modules.packageVersion(file, specifier);
      if (version) this.later(async () => {
        const value = await version;
        this.parts[packageKey(value.slice(0, value.lastIndexOf('@')))] = value;
      });
      return;
    }
    this.later(async () => {
      const target = await this.modules.resolveRelative(file, specifier);
      if (target) onFile(target);
    });
  }

  private exported(file: string, name: string): void {
    this.later(async () => {
      const loaded = await this.modules.load(file);
      if (!loaded) return;
      const { analysis } = loaded;
      if (analysis.unparsed) return this.whole(file);
      this.enter(file, loaded);
      const local = analysis.exports[name];
      if (local !== undefined) return this.name(file, loaded, local);
      if (analysis.typeExports.includes(name)) return;
      const reexport = analysis.reexports[name];
      if (reexport) return this.imported(file, reexport);
      // Not declared here: it comes from an `export *` (which one is not written down),
      // or nowhere we can see. Either way, take every candidate whole.
      if (analysis.starExports.length === 0) return this.whole(file);
      for (const source of analysis.starExports) this.specifier(file, source, (target) => this.whole(target));
    });
  }

  private whole(file: string): void {
    if (this.wholeFiles.has(file)) return;
    this.wholeFiles.add(file);
    this.later(async () => {
      const loaded = await this.modules.load(file);
      if (!loaded) return;
      this.parts[this.rel(file)] = loaded.sha256;
      for (const specifier of loaded.analysis.specifiers) this.specifier(file, specifier, (target) => this.whole(target));
    });
  }
}
