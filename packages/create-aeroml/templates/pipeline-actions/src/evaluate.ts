import { defineAction } from '@aeroml/core';
import { fit, type Line } from './fit.js';
import { generate, type Point } from './generate.js';

/** Mean squared error of the fitted line on the held-out points. */
export const evaluate = defineAction({
  name: 'evaluate',
  group: 'model',
  type: 'evaluate-model',
  inputs: { model: fit.output('model'), test: generate.output('test') },
  outputs: { report: { handler: 'json' } },
  async run({ inputs, outputs, log }) {
    const { a, b } = await inputs.model.read<Line>();
    const points = await inputs.test.read<Point[]>();
    const mse = points.reduce((s, p) => s + (a * p.x + b - p.y) ** 2, 0) / points.length;
    log.metric('test_mse', mse);
    log.info(`test mse ${mse.toFixed(5)} on ${points.length} points`);
    await outputs.report.write({ mse, points: points.length });
  },
});
