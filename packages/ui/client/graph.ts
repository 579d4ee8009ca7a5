import dagre from '@dagrejs/dagre';
import { h, s } from './dom.js';

export interface GraphNode {
  id: string;
  label: string;
  sub?: string;
  /** CSS class: the status (ran, cached, failed, skipped, pending…) or the node kind. */
  kind: string;
  title?: string;
}

const CHAR = 7.2;

/**
 * Lays the graph out with dagre (layered, left to right) and draws the result as SVG:
 * dagre computes every position and edge route; this only turns them into elements.
 */
export function drawGraph(parent: HTMLElement, nodes: GraphNode[], edges: Array<[string, string]>, onClick?: (id: string) => void): SVGElement {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 44, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    const width = Math.min(260, Math.max(70, Math.max(n.label.length, (n.sub ?? '').length) * CHAR + 20));
    g.setNode(n.id, { width, height: n.sub ? 40 : 28 });
  }
  for (const [a, b] of edges) if (g.hasNode(a) && g.hasNode(b)) g.setEdge(a, b);
  dagre.layout(g);
  const { width = 100, height = 60 } = g.graph();
  const svg = s('svg', { class: 'graph', viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`, width: Math.ceil(width), height: Math.ceil(height), role: 'img' });
  svg.append(s('defs', null, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))));
  for (const e of g.edges()) {
    const pts = g.edge(e).points ?? [];
    if (pts.length < 2) continue;
    svg.append(s('path', { class: 'edge', d: pts.map((p: { x: number; y: number }, i: number) => `${i ? 'L' : 'M'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' '), 'marker-end': 'url(#arrow)' }));
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const id of g.nodes()) {
    const box = g.node(id);
    const n = byId.get(id)!;
    const node = s('g', { class: `node node-${n.kind.replace(/[^a-z-]/g, '')}`, 'data-id': id, transform: `translate(${(box.x - box.width / 2).toFixed(1)}, ${(box.y - box.height / 2).toFixed(1)})`, tabindex: 0 });
    node.append(s('title', null, n.title ?? n.label));
    node.append(s('rect', { width: box.width, height: box.height, rx: 5 }));
    node.append(s('text', { x: 10, y: n.sub ? 16 : 18 }, clip(n.label, box.width)));
    if (n.sub) node.append(s('text', { x: 10, y: 32, class: 'sub' }, clip(n.sub, box.width)));
    if (onClick) node.addEventListener('click', () => onClick(id));
    svg.append(node);
  }
  parent.append(h('div', { class: 'graph-wrap' }, svg));
  return svg;
}

function clip(text: string, width: number): string {
  const max = Math.floor((width - 16) / CHAR);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
