import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aero, chromiumPath, fixtureStore, XSS } from './fixture.js';
import { startUi, type RunningUi } from './serve.js';

// The UI and a report opened in a real browser (Debian's chromium, driven by playwright-core).
// Screenshots land in docs/images/, which docs/ui.md shows, when AERO_UPDATE_SCREENSHOTS=1
// (see docs/ui.md); otherwise in a temp folder, so a test run leaves the tree as it was (the
// pixels differ from run to run: run ids, times). Either way each one must exist in docs/images.
const DOCS_IMAGES = fileURLToPath(new URL('../../../docs/images/', import.meta.url));
const IMAGES = process.env.AERO_UPDATE_SCREENSHOTS === '1' ? DOCS_IMAGES : mkdtempSync(join(tmpdir(), 'aero-ui-screenshots-'));

let dir: string;
let ui: RunningUi;
let browser: Browser;
let runs: Array<{ id: string; name: string; sweepId: string | null }>;
const dialogs: string[] = [];

beforeAll(async () => {
  dir = await fixtureStore('browser');
  ui = await startUi(dir);
  runs = (await (await fetch(`${ui.url}api/runs`)).json()).runs;
  browser = await chromium.launch({ executablePath: await chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
  await mkdir(IMAGES, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
});

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('main[aria-busy="false"]');
  expect(errors).toEqual([]);
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  const path = join(IMAGES, `ui-${name}.png`);
  await page.screenshot({ path, fullPage: false });
  expect((await stat(path)).size).toBeLessThan(200_000);
  // The docs show this screenshot: a new one is committed with AERO_UPDATE_SCREENSHOTS=1.
  expect((await stat(join(DOCS_IMAGES, `ui-${name}.png`))).isFile()).toBe(true);
}

const runId = (name: string) => runs.find((r) => r.name === name)!.id;

/** A run's page, once its DAG is drawn. */
async function openRun(name: string): Promise<Page> {
  const page = await open(`${ui.url}#/run/${runId(name)}`);
  await page.waitForSelector('svg.graph g.node');
  return page;
}

/** How many elements match each selector. */
const counts = (page: Page, ...selectors: string[]) => Promise.all(selectors.map((s) => page.locator(s).count()));

describe('aero ui in Chromium', () => {
  it('the runs list shows every run, the differing params, and the XSS param as text', async () => {
    const page = await open(ui.url);
    await page.waitForSelector('table.runs tbody tr');
    expect(await page.locator('table.runs tbody tr').count()).toBe(4);
    expect(await page.locator('table.runs thead th').allTextContents()).toEqual(expect.arrayContaining(['flaky.fail', 'train.lr', 'train.note']));
    const cell = page.locator(`tr[data-run="${runId('baseline')}"] td.param`).last();
    expect(await cell.textContent()).toBe(XSS);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await page.fill('input[type=search]', 'broken');
    expect(await page.locator('table.runs tbody tr').count()).toBe(1);
    await page.fill('input[type=search]', '');
    await screenshot(page, 'runs');
    await page.close();
  });

  it('a run page draws the DAG with dagre, the metric charts with uPlot, timings, logs and previews', async () => {
    const page = await openRun('baseline');
    // Nodes, nodes that ran, edges.
    expect(await counts(page, 'svg.graph g.node', 'svg.graph g.node-ran', 'svg.graph path.edge')).toEqual([5, 5, 5]);
    await page.waitForSelector('.chart[data-chart="loss"] canvas');
    expect(Number(await page.locator('.chart[data-chart="loss"]').getAttribute('data-points'))).toBe(300);
    // The canvas has pixels drawn on it (a line), not just a blank element.
    const inked = await page.locator('.chart[data-chart="loss"] canvas').evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(500);
    // The timing chart is uPlot too: one row per instance, a bar drawn for each, pixels on the canvas.
    await page.waitForSelector('.chart[data-chart="timing"][data-bars] canvas');
    const timing = page.locator('.chart[data-chart="timing"]');
    expect({ rows: await timing.getAttribute('data-rows'), bars: await timing.getAttribute('data-bars') }).toEqual({ rows: '5', bars: '5' });
    // One legend entry per status the run's instances have (estimated ones apart: hatched).
    const detail = (await (await fetch(`${ui.url}api/runs/${runId('baseline')}`)).json()) as { instances: Array<{ status: string; estimated: boolean }> };
    const kinds = [...new Set(detail.instances.map((i) => `${i.status}${i.estimated ? ' (estimated)' : ''}`))].sort();
    expect(kinds.length).toBeGreaterThan(0);
    expect((await timing.locator('.u-legend .u-series').allTextContents()).sort()).toEqual(kinds);
    const painted = await timing.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      // Pixels in the colour of --ran (#16a34a): the bars themselves, not the axes' text.
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] === 0x16 && data[i + 1] === 0xa3 && data[i + 2] === 0x4a) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(200);
    expect(await page.locator('table.timing').count()).toBe(0);
    expect(await page.locator('pre[data-params]').textContent()).toContain(XSS);
    await page.selectOption('#logs select', 'train');
    await page.waitForFunction(() => document.querySelector('#logs pre.log')?.textContent?.includes('note: '));
    expect(await page.locator('#logs pre.log').textContent()).toContain(`note: ${XSS}`);
    await page.click('button.file:has-text("table.csv")');
    await page.waitForSelector('table.csv');
    expect(await page.locator('table.csv tr').first().locator('th').allTextContents()).toEqual(['x', 'y', 'label']);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await page.locator('section.card').nth(1).scrollIntoViewIfNeeded();
    await screenshot(page, 'run');
    await page.locator('section.card:has(h2:text("Metrics"))').scrollIntoViewIfNeeded();
    await page.check('input[aria-label="log scale"]');
    await page.waitForSelector('.chart[data-chart="loss"] canvas');
    await screenshot(page, 'metrics');
    await page.close();
  });

  it('a failed run colours failed and skipped nodes', async () => {
    const page = await openRun('broken');
    // flaky failed, publish (its dependent) skipped, prepare cached; train and evaluate ran (--keep-going).
    expect(await counts(page, 'svg.graph g.node-failed', 'svg.graph g.node-skipped', 'svg.graph g.node-cached', 'svg.graph g.node-ran')).toEqual([1, 1, 1, 2]);
    await page.close();
  });

  it('compare overlays the metrics of two runs and diffs their params', async () => {
    const page = await open(`${ui.url}#/`);
    await page.check(`tr[data-run="${runId('baseline')}"] input[type=checkbox]`);
    await page.check(`tr[data-run="${runId('broken')}"] input[type=checkbox]`);
    await page.click('button:has-text("Compare selected")');
    await page.waitForSelector('table.diff');
    await page.waitForSelector('.chart[data-chart="loss"] canvas');
    expect(await page.locator('table.diff tbody tr.differs td.mono').allTextContents()).toEqual(['flaky.fail', 'train.lr', 'train.note']);
    expect(await page.locator('.chart[data-chart="loss"] .u-legend .u-series').count()).toBe(3); // step + two runs
    await screenshot(page, 'compare');
    await page.close();
  });

  it('lineage draws the artifact graph back to its sources', async () => {
    const detail = await (await fetch(`${ui.url}api/runs/${runId('baseline')}`)).json();
    const score = detail.artifacts.find((a: { name: string }) => a.name === 'evaluate.score');
    const page = await open(`${ui.url}#/lineage/${encodeURIComponent(`evaluate.score@${score.digest}`)}`);
    await page.waitForSelector('svg.graph g.node');
    // evaluate.score ← evaluate ← train.model ← train ← prepare.table ← prepare
    expect(await page.locator('svg.graph g.node-artifact, svg.graph g.node-root').count()).toBe(3);
    expect(await page.locator('svg.graph g.node-action').count()).toBe(3);
    await screenshot(page, 'lineage');
    await page.close();
  });

  it('the sweep view plots the objective per trial and parallel coordinates', async () => {
    const sweepId = runs.find((r) => r.sweepId)!.sweepId!;
    const page = await open(`${ui.url}#/sweep/${encodeURIComponent(sweepId)}`);
    await page.waitForSelector('.chart canvas');
    await page.selectOption('select[aria-label="objective"]', 'loss');
    await page.waitForSelector('.chart[data-chart="parallel coordinates"] canvas');
    expect(await page.locator('.chart canvas').count()).toBe(2);
    await screenshot(page, 'sweep');
    await page.close();
  });

  it('updates live while a run is going', async () => {
    const page = await open(ui.url);
    const slow = aero(dir, 'run', '--name', 'slow-one', 'prepare.sleepMs=5000');
    await page.waitForSelector('tr:has-text("slow-one") .badge.status-running', { timeout: 30_000 });
    await page.waitForSelector('tr:has-text("slow-one") .badge.status-succeeded', { timeout: 60_000 });
    expect((await slow).code).toBe(0);
    await page.close();
  });

  it('no dialog was opened by any page', () => {
    expect(dialogs).toEqual([]);
  });
});

describe('aero report in Chromium', () => {
  it('is one file that makes no request, renders offline and shows the XSS param as text', async () => {
    const out = join(dir, 'report.html');
    const r = await aero(dir, 'report', 'baseline', 'broken', '--out', 'report.html');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^aero report: baseline broken → .*report\.html \(\d+(\.\d)? KiB, self-contained: open it in any browser, offline\)\n$/);
    const html = await readFile(out, 'utf8');
    // No attribute or call that would load anything from the network.
    expect(html).not.toMatch(/\b(src|href|action)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/fetch\(\s*["'`]https?:/i);
    expect(html).not.toMatch(/<(link|iframe|object|embed)\b/i);
    expect(html).not.toContain(XSS); // the payload is inside JSON, with `<` written as \u003c
    expect(html).toContain('\\u003cimg src=x onerror=alert(1)>');

    const context = await browser.newContext({ offline: true });
    const requests: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const reportDialogs: string[] = [];
    page.on('dialog', (d) => {
      reportDialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (req) => {
      if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) requests.push(req.url());
    });
    await page.goto(pathToFileURL(out).href);
    await page.waitForSelector('table.runs tbody tr');
    expect(await page.locator('table.runs tbody tr').count()).toBe(2);
    expect(await page.locator(`tr[data-run="${runId('baseline')}"] td.param`).last().textContent()).toBe(XSS);
    await page.click(`a:has-text("baseline")`);
    await page.waitForSelector('svg.graph g.node');
    await page.waitForSelector('.chart[data-chart="loss"] canvas');
    expect(await page.locator('svg.graph g.node').count()).toBe(5);
    expect(await page.locator('pre[data-params]').textContent()).toContain(XSS);
    await page.click('button.file:has-text("table.csv")');
    await page.waitForSelector('table.csv');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(reportDialogs).toEqual([]);
    expect(requests).toEqual([]);
    await context.close();
  });
});
