import type { Aero, LineageNode } from '@aeroml/core';
import type { LineageGraph } from '../shared/api-types.js';

/** Core's lineage tree as a graph: artifact and action nodes, each shared input once. */
export async function lineageGraph(aero: Aero, ref: string): Promise<LineageGraph> {
  const { lineage } = await import('@aeroml/core');
  const tree = await lineage(aero, ref);
  const nodes = new Map<string, LineageGraph['nodes'][number]>();
  const edges = new Set<string>();
  const visit = (n: LineageNode): string => {
    const id = `artifact:${n.artifact}@${n.digest}`;
    if (!nodes.has(id)) {
      nodes.set(id, { id, kind: 'artifact', label: `${n.artifact}@${n.digest.slice(0, 10)}`, detail: n.producedBy ? '' : 'source (no producer recorded)' });
      if (n.producedBy) {
        const actionId = `action:${n.producedBy.cacheKey}`;
        nodes.set(actionId, { id: actionId, kind: 'action', label: n.producedBy.instanceId, detail: `run ${n.producedBy.runId}` });
        edges.add(JSON.stringify([actionId, id]));
        for (const input of n.inputs) edges.add(JSON.stringify([visit(input), actionId]));
      }
    }
    return id;
  };
  const root = visit(tree);
  return { root, nodes: [...nodes.values()], edges: [...edges].map((e) => JSON.parse(e) as [string, string]) };
}
