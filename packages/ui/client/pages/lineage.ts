import { ApiPaths, type LineageGraph } from '../../src/shared/api-types.js';
import { get } from '../api.js';
import { h, section } from '../dom.js';
import { drawGraph } from '../graph.js';
import type { Page } from '../router.js';

/** How an artifact was made: artifacts and the action instances that produced them, back to the sources. */
export const lineagePage: Page = async (root, ctx) => {
  const ref = ctx.params[0]!;
  const graph = await get<LineageGraph>(ApiPaths.lineage(ref));
  const body = h('div');
  root.append(h('div', { class: 'toolbar' }, h('h1', null, 'Lineage'), h('span', { class: 'mono' }, ref)), section('Graph', h('div', { class: 'legend' }, h('span', { class: 'node-artifact swatch' }, 'artifact'), h('span', { class: 'node-action swatch' }, 'action instance (run)')), body));
  drawGraph(
    body,
    graph.nodes.map((n) => ({ id: n.id, label: n.label, ...(n.detail ? { sub: n.detail } : {}), kind: n.id === graph.root ? 'root' : n.kind })),
    graph.edges,
  );
};
