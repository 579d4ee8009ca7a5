import { canonicalJson } from '../hash.js';
import type { AeroProject } from '../project.js';
import { getRun, readSnapshot } from '../queries/runs.js';
import type { RunRecord } from '../runs.js';

export interface ValueChange {
  /** Dot path: `prep.n`. */
  path: string;
  /** undefined: not set on that side. */
  before: unknown;
  after: unknown;
}

export interface CodeChange {
  file: string;
  change: 'added' | 'removed' | 'changed';
  /** Unified diff (a/<file> → b/<file>). */
  patch: string;
}

export interface InputChange {
  instance: string;
  input: string;
  before: string[];
  after: string[];
}

export interface MetricRow {
  instance: string;
  metric: string;
  a?: number;
  b?: number;
}

export interface RunDiff {
  a: { id: string; commit: string | null };
  b: { id: string; commit: string | null };
  params: ValueChange[];
  /** Launcher, overrides, pins, selection: how each run was started. */
  config: ValueChange[];
  code: CodeChange[];
  inputs: InputChange[];
  /** Final value of every metric either run logged, side by side. */
  metrics: MetricRow[];
}

/**
 * `aero diff A B`: what differs between two runs. Code comes from each run's snapshot
 * (the sources it ran), so the diff is right even after the working tree moved on.
 */
export async function diffRuns(aero: AeroProject, refA: string, refB: string): Promise<RunDiff> {
  const [a, b] = [await getRun(aero, refA), await getRun(aero, refB)];
  const [snapA, snapB] = [await readSnapshot(aero, a), await readSnapshot(aero, b)];
  return {
    a: { id: a.id, commit: a.git.commit },
    b: { id: b.id, commit: b.git.commit },
    params: valueChanges(a.params, b.params, ''),
    config: configChanges(a, b, snapA.config, snapB.config),
    code: codeChanges(snapA.sources, snapB.sources, (await import('diff')).createTwoFilesPatch),
    inputs: inputChanges(a, b),
    metrics: metricRows(a, b),
  };
}

/** Leaf paths whose values differ; arrays compare as whole values. */
export function valueChanges(before: unknown, after: unknown, prefix: string): ValueChange[] {
  if (canonicalJson(before ?? null) === canonicalJson(after ?? null) && (before === undefined) === (after === undefined)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    return [...new Set([...Object.keys(before), ...Object.keys(after)])].sort().flatMap((k) => valueChanges(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return [{ path: prefix || '(root)', before, after }];
}

function configChanges(a: RunRecord, b: RunRecord, configA: unknown, configB: unknown): ValueChange[] {
  const started = (r: RunRecord, snapshot: unknown) => {
    const options = (snapshot as { options?: { only?: string[]; force?: boolean } } | undefined)?.options ?? {};
    return {
      launcher: r.launcher,
      overrides: r.overrides,
      dev: r.dev,
      only: options.only?.length ? options.only : undefined,
      use: r.pins?.length ? r.pins.map((p) => `${p.artifact}@${p.versions.map((v) => v.digest.slice(0, 12)).join(',')}`) : undefined,
    };
  };
  return valueChanges(started(a, configA), started(b, configB), '');
}

/**
 * `patch`: jsdiff's createTwoFilesPatch, imported by `diffRuns` when it is needed, so that
 * every other command does not load jsdiff's 19 modules at start-up.
 */
function codeChanges(before: Record<string, string>, after: Record<string, string>, patch: typeof import('diff').createTwoFilesPatch): CodeChange[] {
  const out: CodeChange[] = [];
  for (const file of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const x = before[file];
    const y = after[file];
    if (x === y) continue;
    out.push({
      file,
      change: x === undefined ? 'added' : y === undefined ? 'removed' : 'changed',
      patch: patch(x === undefined ? '/dev/null' : `a/${file}`, y === undefined ? '/dev/null' : `b/${file}`, x ?? '', y ?? '', undefined, undefined, { context: 3 }),
    });
  }
  return out;
}

function inputChanges(a: RunRecord, b: RunRecord): InputChange[] {
  const byId = new Map(b.actions.map((e) => [e.id, e]));
  const out: InputChange[] = [];
  for (const ea of a.actions) {
    const eb = byId.get(ea.id);
    if (!eb?.inputs || !ea.inputs) continue;
    for (const input of [...new Set([...Object.keys(ea.inputs), ...Object.keys(eb.inputs)])].sort()) {
      const before = ea.inputs[input] ?? [];
      const after = eb.inputs[input] ?? [];
      if (canonicalJson(before) !== canonicalJson(after)) out.push({ instance: ea.id, input, before, after });
    }
  }
  return out;
}

function metricRows(a: RunRecord, b: RunRecord): MetricRow[] {
  const rows = new Map<string, MetricRow>();
  const add = (r: RunRecord, side: 'a' | 'b') => {
    for (const e of r.actions) {
      for (const [metric, value] of Object.entries((e as { metrics?: Record<string, number> }).metrics ?? {})) {
        const key = `${e.id}\u0000${metric}`;
        const row = rows.get(key) ?? { instance: e.id, metric };
        row[side] = value;
        rows.set(key, row);
      }
    }
  };
  add(a, 'a');
  add(b, 'b');
  return [...rows.values()].sort((x, y) => x.instance.localeCompare(y.instance) || x.metric.localeCompare(y.metric));
}
