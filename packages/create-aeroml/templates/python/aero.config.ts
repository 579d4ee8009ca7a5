import { defineAction, defineCommand, defineConfig } from '@aeroml/core';
import { z } from 'zod';

// A TypeScript action makes the data; a Python command fits it. aero fills {inputs.*},
// {outputs.*} and {params.*} into the argv, hashes fit.py and aero_metrics.py into the
// cache key (edit them and fit reruns), and forwards the metrics fit.py appends to
// $AERO_METRICS_FILE through aero_metrics.py.
const points = defineAction({
  name: 'points',
  group: 'data',
  outputs: { data: { handler: 'csv' } },
  async run({ outputs }) {
    await outputs.data.write(Array.from({ length: 20 }, (_, i) => ({ x: String(i / 10), y: String(3 * (i / 10) + 1) })));
  },
});

const fit = defineCommand({
  name: 'fit',
  group: 'model',
  cmd: ['python3', 'fit.py', '--data', '{inputs.data}', '--out', '{outputs.fit}', '--lr', '{params.lr}', '--epochs', '{params.epochs}'],
  deps: ['fit.py', 'aero_metrics.py'],
  params: z.object({ lr: z.number().positive().default(0.1), epochs: z.number().int().min(1).default(200) }),
  inputs: { data: points.output('data') },
  outputs: { fit: { handler: 'json' } },
});

export default defineConfig({ project: '{{project}}', actions: [points, fit] });
