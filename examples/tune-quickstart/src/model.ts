/**
 * Multinomial logistic regression (softmax), trained with full-batch gradient descent.
 * Small, dependency-free and deterministic: the same data and params give the same
 * weights bit for bit, so the model artifact is cacheable by content.
 */
export interface SoftmaxModel {
  classes: string[];
  features: string[];
  mean: number[];
  std: number[];
  /** weights[c][f], bias[c] */
  weights: number[][];
  bias: number[];
}

export interface TrainOptions {
  lr: number;
  epochs: number;
  l2: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

export function standardize(rows: number[][]): { mean: number[]; std: number[] } {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (const r of rows) r.forEach((v, j) => (mean[j]! += v / n));
  for (const r of rows) r.forEach((v, j) => (std[j]! += (v - mean[j]!) ** 2 / n));
  return { mean, std: std.map((s) => Math.sqrt(s) || 1) };
}

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function train(x: number[][], y: string[], features: string[], options: TrainOptions): SoftmaxModel {
  const classes = [...new Set(y)].sort();
  const { mean, std } = standardize(x);
  const xs = x.map((r) => r.map((v, j) => (v - mean[j]!) / std[j]!));
  const yi = y.map((label) => classes.indexOf(label));
  const k = classes.length;
  const d = features.length;
  const weights = Array.from({ length: k }, () => new Array<number>(d).fill(0));
  const bias = new Array<number>(k).fill(0);
  const n = xs.length;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const gw = Array.from({ length: k }, () => new Array<number>(d).fill(0));
    const gb = new Array<number>(k).fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const p = softmax(weights.map((w, c) => bias[c]! + w.reduce((s, wj, j) => s + wj * xs[i]![j]!, 0)));
      loss -= Math.log(Math.max(p[yi[i]!]!, 1e-12));
      for (let c = 0; c < k; c++) {
        const err = p[c]! - (c === yi[i] ? 1 : 0);
        gb[c]! += err / n;
        for (let j = 0; j < d; j++) gw[c]![j]! += (err * xs[i]![j]!) / n;
      }
    }
    const l2 = weights.reduce((s, w) => s + w.reduce((t, v) => t + v * v, 0), 0);
    loss = loss / n + (options.l2 / 2) * l2;
    for (let c = 0; c < k; c++) {
      bias[c]! -= options.lr * gb[c]!;
      for (let j = 0; j < d; j++) weights[c]![j]! -= options.lr * (gw[c]![j]! + options.l2 * weights[c]![j]!);
    }
    options.onEpoch?.(epoch, loss);
  }
  return { classes, features, mean, std, weights, bias };
}

export function predict(model: SoftmaxModel, row: number[]): string {
  const xs = row.map((v, j) => (v - model.mean[j]!) / model.std[j]!);
  const scores = model.weights.map((w, c) => model.bias[c]! + w.reduce((s, wj, j) => s + wj * xs[j]!, 0));
  return model.classes[scores.indexOf(Math.max(...scores))]!;
}
