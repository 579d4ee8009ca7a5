import type { ParsedArgs } from '../args.js';
import { table, type IO } from '../io.js';
import { openProject } from '../project.js';

export default async function list(args: ParsedArgs, io: IO): Promise<number> {
  const aero = await openProject(args);
  const plan = aero.plan();
  const rows = plan.actions.map((a) => {
    const count = plan.byAction.get(a.name)?.length ?? 0;
    return {
      name: a.name,
      group: a.group ?? '',
      type: a.type ?? '',
      instances: count,
      inputs: Object.entries(a.inputs).map(([k, r]) => `${k}←${r.action}.${r.output}${r.gather ? '[all]' : ''}`),
      outputs: Object.entries(a.outputs).map(([k, o]) => `${k}:${o.handler}`),
    };
  });
  if (args.values.json) {
    for (const row of rows) io.out(JSON.stringify(row));
  } else {
    io.out(table([['ACTION', 'GROUP', 'TYPE', 'INSTANCES', 'INPUTS', 'OUTPUTS'], ...rows.map((r) => [r.name, r.group, r.type, String(r.instances), r.inputs.join(' ') || '-', r.outputs.join(' ') || '-'])]));
  }
  await aero.close();
  return 0;
}
