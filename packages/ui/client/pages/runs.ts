import { ApiPaths, type RunRow, type RunsPage } from '../../src/shared/api-types.js';
import { get, has } from '../api.js';
import { badge, clear, formatDuration, formatTime, formatValue, h, link } from '../dom.js';
import type { Page } from '../router.js';

type SortKey = { key: string; dir: 1 | -1 };

/** All runs: status, start, duration, name and the params that differ; filter, sort, pick runs to compare. */
export const runsPage: Page = async (root, ctx) => {
  let sort: SortKey = { key: 'startedAt', dir: -1 };
  let filter = '';
  const selected = new Set<string>();
  let page = await get<RunsPage>(ApiPaths.runs());
  const tableHolder = h('div', { class: 'table-wrap' });
  const compare = h('button', { type: 'button', disabled: true, on: { click: () => (location.hash = `#/compare/${[...selected].map(encodeURIComponent).join(',')}`) } }, 'Compare selected');
  const input = h('input', { type: 'search', placeholder: 'filter: name, id, status, param value…', 'aria-label': 'filter runs', on: { input: () => { filter = input.value.toLowerCase(); draw(); } } });
  const count = h('span', { class: 'muted' });
  root.append(h('div', { class: 'toolbar' }, h('h1', null, page.project), count, input, compare), tableHolder);

  const value = (r: RunRow, key: string): unknown => (key.startsWith('param:') ? r.params[key.slice(6)] : (r as unknown as Record<string, unknown>)[key]);

  function draw(): void {
    const rows = page.runs
      .filter((r) => !filter || [r.name, r.id, r.status, r.sweepId ?? '', ...Object.values(r.params).map(formatValue)].some((t) => t.toLowerCase().includes(filter)))
      .sort((a, b) => compareValues(value(a, sort.key), value(b, sort.key)) * sort.dir);
    count.textContent = `${rows.length} of ${page.runs.length} runs`;
    const th = (key: string, label: string) =>
      h('th', { class: sort.key === key ? `sorted ${sort.dir > 0 ? 'asc' : 'desc'}` : undefined, on: { click: () => { sort = { key, dir: sort.key === key ? ((-sort.dir) as 1 | -1) : 1 }; draw(); } } }, label);
    const head = h('tr', null, h('th', null, ''), th('status', 'status'), th('name', 'name'), th('startedAt', 'started'), th('durationMs', 'duration'), th('actions', 'actions'), th('sweepId', 'sweep'), ...page.paramKeys.map((k) => th(`param:${k}`, k)));
    const body = rows.map((r) => {
      const box = h('input', { type: 'checkbox', 'aria-label': `select ${r.name}`, on: { change: () => { if (box.checked) selected.add(r.id); else selected.delete(r.id); compare.disabled = selected.size < 2; } } });
      box.checked = selected.has(r.id);
      return h(
        'tr',
        { 'data-run': r.id },
        h('td', null, box),
        h('td', null, badge(r.status)),
        h('td', null, has(ApiPaths.run(r.id)) ? link(`#/run/${encodeURIComponent(r.id)}`, r.name) : r.name, r.name !== r.id ? h('div', { class: 'muted mono' }, r.id) : null),
        h('td', null, formatTime(r.startedAt)),
        h('td', { class: 'num' }, formatDuration(r.durationMs)),
        h('td', { class: 'num' }, countsText(r.counts)),
        h('td', null, r.sweepId ? (has(ApiPaths.sweep(r.sweepId)) ? link(`#/sweep/${encodeURIComponent(r.sweepId)}`, r.sweepId) : r.sweepId) : ''),
        ...page.paramKeys.map((k) => h('td', { class: 'param' }, formatValue(r.params[k]))),
      );
    });
    clear(tableHolder);
    tableHolder.append(rows.length || page.runs.length ? h('table', { class: 'runs' }, h('thead', null, head), h('tbody', null, ...body)) : h('p', { class: 'empty' }, 'No runs yet: start one with `aero run`.'));
  }
  draw();
  // Always polled (cheap: one list of run records): new runs appear, running ones update.
  ctx.poll(true, async () => {
    page = await get<RunsPage>(ApiPaths.runs());
    draw();
    return true;
  });
};

function countsText(counts: Record<string, number>): string {
  return Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || '–';
}

export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(formatValue(a)).localeCompare(String(formatValue(b)), undefined, { numeric: true });
}
