import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * TypeScript's ESM convention: `import { split } from './split.js'` in a `.ts` file means
 * `./split.ts`. jiti gets there only after its general resolver has failed on `./split.js`
 * under three condition sets, Node's CJS resolver and a dozen extension combinations, each
 * failure a thrown error: ~6 ms per import, the bulk of `aero list` on a small project.
 * This resolver answers that case with one or two stats and leaves every other specifier
 * to jiti unchanged, so what resolves, and to what, stays jiti's decision.
 */

const JS_EXTENSION = /\.([cm]?)js(x?)$/;

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}

/**
 * `./x.js` imported from `fromFile` → the absolute path of `x.ts` when `x.js` does not exist
 * and `x.ts` does (likewise `.mjs`→`.mts`, `.cjs`→`.cts`, `.jsx`→`.tsx`). An existing `x.js`
 * wins, as it does in jiti. Anything else is returned as it came.
 */
export function resolveTsSibling(fromFile: string, id: unknown): unknown {
  if (typeof id !== 'string' || !(id.startsWith('./') || id.startsWith('../'))) return id;
  const match = JS_EXTENSION.exec(id);
  if (!match) return id;
  const target = resolve(dirname(fromFile), id);
  if (isFile(target)) return id;
  const source = `${target.slice(0, -match[0].length)}.${match[1]}ts${match[2]}`;
  return isFile(source) ? source : id;
}

/** Where transformed modules find the resolver at run time (they are cached across processes, functions are not). */
const RESOLVER_KEY = 'aero.config.resolveTsSibling';

/**
 * Prepended to each transformed module: routes its `jitiImport(id)` calls (jiti's
 * rewrite of `import`) through the resolver. If the resolver is not installed the
 * module uses jiti's import unchanged, so a cached file never breaks on its own.
 */
const PROLOGUE =
  'var jitiImport = ((load, resolveId) => typeof resolveId === "function" ? (id, options) => load(resolveId(__filename, id), options) : load)' +
  `(jitiImport, globalThis[Symbol.for(${JSON.stringify(RESOLVER_KEY)})]);`;

const USE_STRICT = '"use strict";';

/**
 * Adds the prologue to jiti's transform output. It goes after a leading "use strict"
 * (a directive only counts as the first statement) and on the first line, so line
 * numbers in stack traces and error messages stay those of the source file.
 */
export function withTsSiblingImports(code: string): string {
  if (!code.includes('jitiImport(')) return code;
  const at = code.startsWith(USE_STRICT) ? USE_STRICT.length : 0;
  return code.slice(0, at) + PROLOGUE + code.slice(at);
}

export function installTsSiblingResolver(): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for(RESOLVER_KEY)] = resolveTsSibling;
}
