/**
 * What the code identity needs to know about one module, as plain JSON so it can be
 * cached by the file's content hash (an unchanged project never loads the parser).
 * Bump ANALYSIS_SCHEMA whenever what `analyseModule` produces changes (the parser's own
 * version is part of the cache location, see analysis-cache.ts).
 */
export const ANALYSIS_SCHEMA = 3;

/** Code whose behaviour analysis cannot bound: `eval`, `new Function`, `import(x)`, `require(x)`. */
export interface DynamicUse {
  /** `eval(...)`, `Function(...)`, `new Function(...)`: may reach any binding in scope. */
  evalLike: boolean;
  /** Literal specifiers of `import('./x')` / `require('./x')`. */
  specifiers: string[];
  /** An `import()` / `require()` whose specifier is not a literal. */
  unknownSpecifier: boolean;
}

/** One top-level piece of code: a declaration, a statement, or an action's `run`. */
export interface CodePiece {
  /** How `aero why` names it: `function normalise`, `const SCALE`, `action train`. */
  label: string;
  /** sha256 of its source without comments, whitespace runs normalised (see `ModuleAnalyser.code`). */
  hash: string;
  /** Identifiers it mentions in value positions (types are erased and not followed). */
  refs: string[];
  dynamic?: DynamicUse;
}

export interface ImportBinding {
  source: string;
  /** The imported name; `default`, or `*` for a namespace (`import * as m`, `export * as m`). */
  imported: string;
}

export interface ModuleAnalysis {
  schema: number;
  /** The parser rejected the file: the whole file is the identity. */
  unparsed: boolean;
  pieces: CodePiece[];
  /** Module-level binding → indexes of the pieces that declare it (several for overloads, merged namespaces). */
  bindings: Record<string, number[]>;
  /** Indexes of top-level statements that declare nothing (`table.set(...)`, `if (...) {...}`). */
  statements: number[];
  /** Local name → where it is imported from (type-only imports left out). */
  imports: Record<string, ImportBinding>;
  /** Exported name → local binding. */
  exports: Record<string, string>;
  /** Exported names that are types only (nothing at run time). */
  typeExports: string[];
  /** `export { a as b } from './x'`, `export * as ns from './x'`. */
  reexports: Record<string, ImportBinding>;
  /** `export * from './x'`: which names come from there is not written down. */
  starExports: string[];
  /** `import './setup'`: runs for its effects whenever this module is loaded. */
  sideEffectImports: string[];
  /** Every specifier the module loads, static or literal dynamic (the whole-file walk). */
  specifiers: string[];
  /**
   * Action name → its `run` (or its whole definition when `run` cannot be singled out),
   * for each `defineAction`/`defineCommand({ name: '<literal>' })` at module level.
   * `null`: the name is defined more than once, or inside a function, block or loop, where
   * its code may capture values analysis cannot see.
   */
  actions: Record<string, CodePiece | null>;
}
