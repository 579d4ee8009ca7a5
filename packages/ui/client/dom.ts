// Every piece of data reaches the page as a text node or an attribute value set through
// the DOM, never as markup: a param `<img src=x onerror=alert(1)>` shows as those characters.

type Child = Node | string | number | null | undefined | false;
type Handlers = Partial<Record<keyof HTMLElementEventMap, (e: Event) => void>>;
type Attrs = { [name: string]: string | number | boolean | undefined | null | Handlers; on?: Handlers };

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

function setAttrs(el: Element, attrs: Attrs | undefined): void {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'on' || v === undefined || v === null || v === false) continue;
    // Inline handlers would run data as code; events go through `on` only.
    if (/^on/i.test(k)) throw new Error(`refusing inline handler attribute ${k}`);
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const [event, fn] of Object.entries(attrs.on ?? {})) el.addEventListener(event, fn as EventListener);
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs ?? undefined);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(tag: string, attrs?: Attrs | null, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs ?? undefined);
  append(el, children);
  return el;
}

export function clear(el: Element): void {
  el.replaceChildren();
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function formatValue(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(5);
  return JSON.stringify(v);
}

export function badge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status.replace(/[^a-z-]/g, '')}` }, status);
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), ...children);
}

export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href }, ...children);
}
