import { gaussian, rng } from './rng.js';

/** A linear model (hidden = 0) or a one-hidden-layer tanh network, with a sigmoid output. */
export interface Model {
  hidden: number;
  w1: number[][]; // hidden × 2 (empty for linear)
  b1: number[];
  w2: number[]; // output weights (2 inputs for linear, `hidden` otherwise)
  b2: number;
}

export interface TrainOptions {
  hidden: number;
  epochs: number;
  lr: number;
  l2: number;
  schedule: { kind: 'constant' | 'cosine'; min_lr?: number | undefined };
  seed: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function features(model: Model, x: [number, number]): number[] {
  if (model.hidden === 0) return x;
  return model.w1.map((w, j) => Math.tanh(w[0]! * x[0] + w[1]! * x[1] + model.b1[j]!));
}

export function predict(model: Model, x: [number, number]): number {
  const h = features(model, x);
  return sigmoid(h.reduce((s, v, j) => s + v * model.w2[j]!, model.b2));
}

function learningRate(o: TrainOptions, epoch: number): number {
  if (o.schedule.kind === 'constant') return o.lr;
  const min = o.schedule.min_lr ?? 0;
  return min + 0.5 * (o.lr - min) * (1 + Math.cos((Math.PI * epoch) / o.epochs));
}

/** Full-batch gradient descent on the logistic loss with L2. */
export function fit(xs: [number, number][], ys: number[], o: TrainOptions): Model {
  const random = rng(o.seed + 1);
  const inputs = o.hidden === 0 ? 2 : o.hidden;
  const model: Model = {
    hidden: o.hidden,
    w1: Array.from({ length: o.hidden }, () => [gaussian(random), gaussian(random)]),
    b1: Array.from({ length: o.hidden }, () => 0.1 * gaussian(random)),
    w2: Array.from({ length: inputs }, () => 0.1 * gaussian(random)),
    b2: 0,
  };
  const n = xs.length;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const gw2 = new Array<number>(inputs).fill(0);
    let gb2 = 0;
    const gw1 = model.w1.map(() => [0, 0]);
    const gb1 = new Array<number>(o.hidden).fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      const h = features(model, x);
      const p = sigmoid(h.reduce((s, v, j) => s + v * model.w2[j]!, model.b2));
      const y = ys[i]!;
      loss -= y * Math.log(Math.max(p, 1e-12)) + (1 - y) * Math.log(Math.max(1 - p, 1e-12));
      const d = p - y;
      for (let j = 0; j < inputs; j++) gw2[j]! += d * h[j]!;
      gb2 += d;
      for (let j = 0; j < o.hidden; j++) {
        const dh = d * model.w2[j]! * (1 - h[j]! * h[j]!);
        gw1[j]![0]! += dh * x[0];
        gw1[j]![1]! += dh * x[1];
        gb1[j]! += dh;
      }
    }
    const lr = learningRate(o, epoch);
    for (let j = 0; j < inputs; j++) model.w2[j]! -= lr * (gw2[j]! / n + o.l2 * model.w2[j]!);
    model.b2 -= (lr * gb2) / n;
    for (let j = 0; j < o.hidden; j++) {
      model.w1[j]![0]! -= lr * (gw1[j]![0]! / n + o.l2 * model.w1[j]![0]!);
      model.w1[j]![1]! -= lr * (gw1[j]![1]! / n + o.l2 * model.w1[j]![1]!);
      model.b1[j]! -= (lr * gb1[j]!) / n;
    }
    o.onEpoch?.(epoch, loss / n);
  }
  return model;
}
