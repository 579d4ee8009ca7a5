// Summarises a V8 .cpuprofile (from `node --cpu-prof`): where the time went, by function.
import { readFileSync } from 'node:fs';

const shortUrl = (url) => url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|packages|plugins)\//, '$1/');

/**
 * @param {string} file a .cpuprofile
 * @param {{ top?: number }} [opts]
 * @returns {{ totalMs: number, gcMs: number, idleMs: number, self: Array<{ fn: string, ms: number, pct: number }>, inclusive: Array<{ fn: string, ms: number, pct: number }> }}
 */
export function summarizeCpuProfile(file, { top = 25 } = {}) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ticks = new Map();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    ticks.set(id, (ticks.get(id) ?? 0) + dt);
    total += dt;
  });
  const label = (id) => {
    const cf = byId.get(id).callFrame;
    return `${cf.functionName || '(anonymous)'}${cf.url ? ` ${shortUrl(cf.url)}:${cf.lineNumber + 1}` : ''}`;
  };
  const self = new Map();
  const incl = new Map();
  for (const [id, t] of ticks) {
    const own = label(id);
    self.set(own, (self.get(own) ?? 0) + t);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(cur);
      if (seen.has(l)) continue;
      seen.add(l);
      incl.set(l, (incl.get(l) ?? 0) + t);
    }
  }
  const list = (m, filter) =>
    [...m]
      .filter(([fn]) => filter(fn))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, t]) => ({ fn, ms: Math.round(t / 1000), pct: Math.round((1000 * t) / total) / 10 }));
  const special = (fn) => /^\((root|program|idle|garbage collector)\)/.test(fn);
  return {
    totalMs: Math.round(total / 1000),
    gcMs: Math.round((self.get('(garbage collector)') ?? 0) / 1000),
    idleMs: Math.round((self.get('(idle)') ?? 0) / 1000),
    self: list(self, (fn) => fn !== '(idle)'),
    // Inclusive time of code that is not Node's own internals: where a fix would go.
    inclusive: list(incl, (fn) => !special(fn) && !/ node:/.test(fn) && /\s\S+:\d+$/.test(fn)),
  };
}

export function formatProfile(summary, { top = 15 } = {}) {
  const line = (x) => `${String(x.ms).padStart(7)} ms ${x.pct.toFixed(1).padStart(5)}%  ${x.fn}`;
  return [
    `sampled ${summary.totalMs} ms: GC ${summary.gcMs} ms, idle ${summary.idleMs} ms`,
    'self time:',
    ...summary.self.slice(0, top).map(line),
    'inclusive time (outside Node internals):',
    ...summary.inclusive.slice(0, top).map(line),
  ].join('\n');
}
