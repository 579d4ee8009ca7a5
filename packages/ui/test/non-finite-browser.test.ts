import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath } from './fixture.js';
import { nonFiniteStore } from './non-finite-fixture.js';
import { startUi, type RunningUi } from './serve.js';

// A metric that is NaN, 1, +Infinity, 2, -Infinity at steps 0–4, in headless Chromium: the
// chart must break its line there and mark each point, the legend must name the value, and
// the sweep table must show the -Infinity last value, not a blank.

let ui: RunningUi;
let browser: Browser;
let run: { id: string; sweepId: string };

beforeAll(async () => {
  ui = await startUi(await nonFiniteStore('non-finite-browser'));
  run = (await (await fetch(`${ui.url}api/runs`)).json()).runs[0];
  browser = await chromium.launch({ executablePath: await chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
  await ui?.stop();
});

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('main[aria-busy="false"]');
  expect(errors).toEqual([]);
  return page;
}

describe('non-finite metric points in Chromium', () => {
  it('the chart marks NaN, +Inf and -Inf, lists them, and the legend names the value under the cursor', async () => {
    const page = await open(`${ui.url}#/run/${run.id}`);
    const chart = page.locator('.chart[data-chart="nanm"]');
    await page.waitForSelector('.chart[data-chart="nanm"][data-marks] canvas');
    // What the draw hook drew on the canvas, one marker per non-finite point.
    expect(JSON.parse((await chart.getAttribute('data-marks'))!)).toEqual({ NaN: 1, '+Inf': 1, '-Inf': 1 });
    expect(await page.locator('.chart[data-chart="fine"]').getAttribute('data-marks')).toBe('{}');
    expect(await chart.locator('[data-non-finite]').textContent()).toBe('Not a number, drawn as a gap: diverge: NaN at step 0, +Inf at step 2, -Inf at step 4');
    expect(await page.locator('.chart[data-chart="fine"] [data-non-finite]').count()).toBe(0);
    // Steps 0–4 span the plot: step 2 is its middle, step 3 three quarters along.
    const over = (await chart.locator('.u-over').boundingBox())!;
    const value = chart.locator('.u-legend .u-series').nth(1).locator('.u-value');
    for (const [at, shown] of [[0.5, '+Inf'], [0.75, '2'], [1, '-Inf'], [0, 'NaN']] as const) {
      await page.mouse.move(over.x + Math.min(at * over.width, over.width - 1), over.y + over.height / 2);
      await expect.poll(() => value.textContent(), { timeout: 5_000 }).toBe(shown);
    }
    await page.close();
  });

  it('the sweep table shows a last value of -Infinity as -Inf', async () => {
    const page = await open(`${ui.url}#/sweep/${encodeURIComponent(run.sweepId)}`);
    await page.waitForSelector('table tbody tr');
    const head = await page.locator('table thead th').allTextContents();
    const column = head.indexOf('nanm');
    expect(column).toBeGreaterThan(0);
    const cells = await page.locator(`table tbody tr td:nth-child(${column + 1})`).allTextContents();
    expect(cells).toEqual(['-Inf', '-Inf']);
    await page.close();
  });
});
