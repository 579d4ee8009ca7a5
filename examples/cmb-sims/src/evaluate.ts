import { defineAction } from '@aeroml/core';
import { predict, type Prediction } from './predict.js';

export interface SplitMetrics {
  split: string;
  count: number;
  /** Root mean squared error of the predicted tilt. */
  rmse: number;
  /** Mean of predicted - true. */
  bias: number;
  /** RMSE of always predicting the train-set mean tilt. */
  baselineRmse: number;
  /** 1 - SSE / SST on this split. */
  r2: number;
}

/** Metrics per held-out split, gathering that split's predictions (`.all()` on `split`). */
export const evaluate = defineAction({
  name: 'evaluate',
  group: 'model',
  type: 'evaluate-model',
  partitions: { split: ['valid', 'test'] },
  inputs: { predictions: predict.output('prediction').all() },
  outputs: { metrics: { handler: 'json', path: '{split}/metrics.json' } },
  async run({ partition, inputs, outputs, log }) {
    const rows = await Promise.all(inputs.predictions.map((h) => h.read<Prediction>()));
    const n = rows.length;
    const mean = rows.reduce((s, r) => s + r.tilt, 0) / n;
    const sse = rows.reduce((s, r) => s + (r.predicted - r.tilt) ** 2, 0);
    const sst = rows.reduce((s, r) => s + (r.tilt - mean) ** 2, 0);
    const metrics: SplitMetrics = {
      split: String(partition!['split']),
      count: n,
      rmse: Math.sqrt(sse / n),
      bias: rows.reduce((s, r) => s + (r.predicted - r.tilt), 0) / n,
      baselineRmse: Math.sqrt(rows.reduce((s, r) => s + (r.baseline - r.tilt) ** 2, 0) / n),
      r2: sst > 0 ? 1 - sse / sst : 0,
    };
    log.metrics({ rmse: metrics.rmse, bias: metrics.bias, baseline_rmse: metrics.baselineRmse, r2: metrics.r2 });
    log.info(`${metrics.split}: RMSE ${metrics.rmse.toFixed(4)} on ${n} simulations (baseline ${metrics.baselineRmse.toFixed(4)}), R^2 ${metrics.r2.toFixed(3)}`);
    await outputs.metrics.write(metrics);
  },
});
