import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript, reportPage } from '../src/html.js';
import { parseCsv } from '../src/shared/csv.js';
import { lttb } from '../src/shared/lttb.js';
import { differingKeys, flattenParams } from '../src/shared/params.js';

describe('lttb', () => {
  it('thins 100,000 points to the threshold, keeps both ends and a lone spike', () => {
    const xs = Array.from({ length: 100_000 }, (_, i) => i);
    const ys = xs.map((x) => (x === 54_321 ? 1_000 : Math.sin(x / 1000)));
    const out = lttb(xs, ys, 2_000);
    expect(out.xs).toHaveLength(2_000);
    expect(out.xs[0]).toBe(0);
    expect(out.xs.at(-1)).toBe(99_999);
    expect(out.xs).toContain(54_321);
    expect(out.xs.every((x, i) => i === 0 || x > out.xs[i - 1]!)).toBe(true);
  });

  it('returns short series unchanged', () => {
    expect(lttb([1, 2, 3], [4, 5, 6], 10)).toEqual({ xs: [1, 2, 3], ys: [4, 5, 6] });
  });
});

describe('parseCsv', () => {
  it('reads quoted cells, doubled quotes, CRLF and a cut-off last line', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n1,"unclosed')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['1', 'unclosed']]);
  });
});

describe('params', () => {
  it('flattens to dot paths and finds the keys that differ', () => {
    const a = flattenParams({ train: { lr: 0.1, layers: [1, 2] }, seed: 1 });
    const b = flattenParams({ train: { lr: 0.2, layers: [1, 2] }, seed: 1, extra: true });
    expect(a).toEqual({ 'train.lr': 0.1, 'train.layers': [1, 2], seed: 1 });
    expect(differingKeys([a, b])).toEqual(['extra', 'train.lr']);
    expect(differingKeys([a])).toEqual([]);
  });
});

describe('html', () => {
  it('escapes text and keeps JSON in a script element from closing it', () => {
    expect(escapeHtml(`<img src=x onerror="alert(1)">&'`)).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;');
    const json = jsonForScript({ v: '</script><img src=x onerror=alert(1)>' });
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual({ v: '</script><img src=x onerror=alert(1)>' });
  });

  it('a report forbids every request in its CSP and cannot be closed early by the bundle', () => {
    const page = reportPage('t <b>', 'var s = "</script><script>alert(1)</script>";', 'a{}', { x: 1 });
    expect(page).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`);
    expect(page).toContain('<title>t &lt;b&gt;</title>');
    expect(page.match(/<\/script>/g)).toHaveLength(2); // the data element and the bundle, nothing from inside the bundle
  });
});
