/** A linear model on standardized features: y = intercept + sum_j w_j (x_j - mean_j) / scale_j. */
export interface RidgeModel {
  intercept: number;
  weights: number[];
  mean: number[];
  scale: number[];
  alpha: number;
}

export interface RidgeFit {
  model: RidgeModel;
  /** Objective (mean squared error + alpha * |w|^2) after each conjugate-gradient step. */
  losses: number[];
}

/**
 * Ridge regression solved by conjugate gradients on the normal equations
 * (Z'Z/n + alpha I) w = Z'(y - mean y)/n. CG minimises the ridge objective monotonically
 * and reaches the exact solution in at most d steps (up to rounding), so every step's
 * objective is a real training loss curve.
 */
export function fitRidge(x: readonly (readonly number[])[], y: readonly number[], alpha: number, options: { tolerance?: number; maxIterations?: number } = {}): RidgeFit {
  const n = x.length;
  if (n === 0 || n !== y.length) throw new RangeError(`ridge needs as many targets as rows and at least one row (rows ${n}, targets ${y.length})`);
  const d = x[0]!.length;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const row of x) for (let j = 0; j < d; j++) mean[j]! += row[j]! / n;
  for (const row of x) for (let j = 0; j < d; j++) scale[j]! += (row[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  const z = x.map((row) => row.map((v, j) => (v - mean[j]!) / scale[j]!));
  const intercept = y.reduce((a, b) => a + b, 0) / n;
  const t = y.map((v) => v - intercept);

  // A = Z'Z/n + alpha I, b = Z't/n
  const a = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const b = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) {
    const row = z[i]!;
    for (let j = 0; j < d; j++) {
      b[j]! += (row[j]! * t[i]!) / n;
      for (let l = 0; l < d; l++) a[j]![l]! += (row[j]! * row[l]!) / n;
    }
  }
  for (let j = 0; j < d; j++) a[j]![j]! += alpha;
  const times = (v: number[]) => a.map((r) => r.reduce((s, ajl, l) => s + ajl * v[l]!, 0));
  const dot = (u: number[], v: number[]) => u.reduce((s, ui, i) => s + ui * v[i]!, 0);

  const loss = (w: number[]) => {
    let sse = 0;
    for (let i = 0; i < n; i++) sse += (t[i]! - dot(z[i]!, w)) ** 2;
    return sse / n + alpha * dot(w, w);
  };

  const w = new Array<number>(d).fill(0);
  let r = [...b];
  let p = [...r];
  let rr = dot(r, r);
  const tolerance = (options.tolerance ?? 1e-12) * Math.sqrt(dot(b, b));
  const losses: number[] = [];
  for (let iter = 0; iter < (options.maxIterations ?? 10 * d) && Math.sqrt(rr) > tolerance; iter++) {
    const ap = times(p);
    const step = rr / dot(p, ap);
    for (let j = 0; j < d; j++) w[j]! += step * p[j]!;
    r = r.map((rj, j) => rj - step * ap[j]!);
    const next = dot(r, r);
    p = r.map((rj, j) => rj + (next / rr) * p[j]!);
    rr = next;
    losses.push(loss(w));
  }
  return { model: { intercept, weights: w, mean, scale, alpha }, losses };
}

export function predictRidge(model: RidgeModel, features: readonly number[]): number {
  let y = model.intercept;
  for (let j = 0; j < model.weights.length; j++) y += (model.weights[j]! * (features[j]! - model.mean[j]!)) / model.scale[j]!;
  return y;
}
