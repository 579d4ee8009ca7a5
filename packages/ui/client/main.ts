import './style.css';
import { ApiError, isReport } from './api.js';
import { clear, h } from './dom.js';
import { comparePage } from './pages/compare.js';
import { lineagePage } from './pages/lineage.js';
import { runPage } from './pages/run.js';
import { runsPage } from './pages/runs.js';
import { sweepPage } from './pages/sweep.js';
import type { Page } from './router.js';

const ROUTES: Record<string, Page> = { '': runsPage, run: runPage, compare: comparePage, lineage: lineagePage, sweep: sweepPage };
const POLL_MS = 2_000;

let generation = 0;

async function route(): Promise<void> {
  const gen = ++generation;
  const [name = '', ...params] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const page = ROUTES[name] ?? runsPage;
  const app = document.getElementById('app')!;
  const main = h('main', { 'data-page': name || 'runs', 'aria-busy': 'true' });
  clear(app);
  app.append(
    h('header', null, h('a', { href: '#/', class: 'brand' }, 'aero'), h('nav', null, h('a', { href: '#/' }, 'runs')), isReport ? h('span', { class: 'muted' }, 'report · offline snapshot') : h('span', { class: 'muted live' }, 'live')),
    main,
  );
  try {
    await page(main, {
      params,
      poll(live, refresh) {
        if (!live || isReport) return;
        const tick = async () => {
          if (gen !== generation) return; // the user went to another page
          const again = await refresh().catch(() => true);
          if (again && gen === generation) setTimeout(tick, POLL_MS);
        };
        setTimeout(tick, POLL_MS);
      },
    });
  } catch (error) {
    if (gen !== generation) return;
    main.append(h('div', { class: 'error' }, h('strong', null, error instanceof ApiError ? error.code : 'Error'), ': ', (error as Error).message, error instanceof ApiError && error.hint ? h('div', { class: 'muted' }, error.hint) : null));
  } finally {
    main.setAttribute('aria-busy', 'false');
  }
}

window.addEventListener('hashchange', () => void route());
void route();
