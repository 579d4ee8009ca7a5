import type { LineageNode } from '@aeroml/core';
import type { ParsedArgs } from '../args.js';
import { UsageError } from '../args.js';
import type { IO } from '../io.js';
import { openProject } from '../project.js';

export default async function lineage(args: ParsedArgs, io: IO): Promise<number> {
  const ref = args.positionals[0];
  if (!ref) throw new UsageError('`aero lineage` needs an artifact: aero lineage train.model or train.model@1a2b3c');
  const core = await import('@aeroml/core');
  const aero = await openProject(args);
  const root = await core.lineage(aero, ref);
  if (args.values.json) io.out(JSON.stringify(root, null, 2));
  else io.out(render(root, '', true, true));
  await aero.close();
  return 0;
}

function render(node: LineageNode, prefix: string, last: boolean, root: boolean): string {
  const by = node.producedBy ? ` ← ${node.producedBy.instanceId} (run ${node.producedBy.runId})` : ' (source)';
  const head = root ? '' : `${prefix}${last ? '└─ ' : '├─ '}`;
  const lines = [`${head}${node.artifact}@${node.digest.slice(0, 12)}${by}`];
  const childPrefix = root ? '' : prefix + (last ? '   ' : '│  ');
  node.inputs.forEach((child, i) => lines.push(render(child, childPrefix, i === node.inputs.length - 1, false)));
  return lines.join('\n');
}
