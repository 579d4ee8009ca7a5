import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'oxc-parser';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Every relative import of a module, type-only ones included: a type cycle is still a design cycle. */
function importsOf(file: string): string[] {
  const { module } = parseSync(file, readFileSync(file, 'utf8'));
  const specifiers = [
    ...module.staticImports.map((i) => i.moduleRequest.value),
    ...module.staticExports.flatMap((e) => e.entries.map((x) => x.moduleRequest?.value).filter((v): v is string => Boolean(v))),
    ...module.dynamicImports.map((d) => readFileSync(file, 'utf8').slice(d.moduleRequest.start, d.moduleRequest.end).replace(/^['"`]|['"`]$/g, '')),
  ];
  return [...new Set(specifiers.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts'))))];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Cycles in the import graph, each as the list of files on it (Tarjan's strongly connected components). */
export function importCycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) cycles.push(component.map((f) => relative(SRC, f)).sort());
    }
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  return cycles;
}

describe('core source imports', () => {
  it('form no cycle (type-only and dynamic imports included)', () => {
    expect(importCycles(sourceFiles(SRC))).toEqual([]);
  });

  it('core and its tests import no @aeroml package (they all depend on core: a fresh checkout typechecks core before they are built)', () => {
    const TEST = dirname(fileURLToPath(import.meta.url));
    const offending = [...sourceFiles(SRC), ...sourceFiles(TEST)].flatMap((file) => {
      const { module } = parseSync(file, readFileSync(file, 'utf8'));
      const packages = [...module.staticImports.map((i) => i.moduleRequest.value), ...module.staticExports.flatMap((e) => e.entries.map((x) => x.moduleRequest?.value ?? ''))];
      return packages.filter((p) => p.startsWith('@aeroml/')).map((p) => `${relative(TEST, file)}: ${p}`);
    });
    expect(offending).toEqual([]);
  });

  it('the checker finds a cycle when there is one', () => {
    // engine.ts ↔ queries.ts was the cycle this test was written to prevent coming back.
    const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures-cycle');
    expect(importCycles(sourceFiles(dir))).toEqual([[ '../test/fixtures-cycle/a.ts', '../test/fixtures-cycle/b.ts' ]]);
  });
});
