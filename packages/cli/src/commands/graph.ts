import type { ParsedArgs } from '../args.js';
import { UsageError } from '../args.js';
import type { IO } from '../io.js';
import { openProject } from '../project.js';

export default async function graph(args: ParsedArgs, io: IO): Promise<number> {
  const format = (args.values.format as string | undefined) ?? 'mermaid';
  if (format !== 'mermaid' && format !== 'dot') throw new UsageError(`--format must be mermaid or dot, got \`${format}\`.`);
  const aero = await openProject(args);
  const plan = aero.plan();
  const nodes: Array<{ id: string; label: string }> = [];
  const edges = new Set<string>();
  if (args.values.instances) {
    for (const inst of plan.instances) {
      nodes.push({ id: `n${inst.index}`, label: inst.id });
      for (const d of inst.deps) edges.add(`n${d}\u0000n${inst.index}`);
    }
  } else {
    const ids = new Map(plan.actions.map((a, i) => [a.name, `a${i}`]));
    for (const a of plan.actions) {
      nodes.push({ id: ids.get(a.name)!, label: a.name });
      for (const ref of Object.values(a.inputs)) edges.add(`${ids.get(ref.action)}\u0000${ids.get(a.name)}\u0000${ref.output}${ref.gather ? ' (all)' : ''}`);
    }
  }
  const lines: string[] = [];
  if (format === 'mermaid') {
    lines.push('graph TD');
    for (const n of nodes) lines.push(`  ${n.id}["${n.label.replace(/"/g, '#quot;')}"]`);
    for (const e of edges) {
      const [from, to, label] = e.split('\u0000');
      lines.push(label ? `  ${from} -->|${label}| ${to}` : `  ${from} --> ${to}`);
    }
  } else {
    lines.push('digraph aero {', '  rankdir=LR;');
    for (const n of nodes) lines.push(`  ${n.id} [label=${JSON.stringify(n.label)}];`);
    for (const e of edges) {
      const [from, to, label] = e.split('\u0000');
      lines.push(`  ${from} -> ${to}${label ? ` [label=${JSON.stringify(label)}]` : ''};`);
    }
    lines.push('}');
  }
  io.out(lines.join('\n'));
  await aero.close();
  return 0;
}
