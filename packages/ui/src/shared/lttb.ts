/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013): keeps the first and
 * last point and, from each of `threshold - 2` buckets, the point that makes the largest
 * triangle with the point kept before it and the mean of the next bucket. The shape of a
 * curve survives (peaks, drops) where taking every n-th point would lose them, so a
 * 100,000-point series is drawn from a few thousand points. `xs` must be sorted.
 */
export function lttb(xs: number[], ys: number[], threshold: number): { xs: number[]; ys: number[] } {
  const n = xs.length;
  if (threshold >= n || threshold < 3) return { xs: xs.slice(), ys: ys.slice() };
  const outX: number[] = [xs[0]!];
  const outY: number[] = [ys[0]!];
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += xs[j]!;
      avgY += finite(ys[j]!);
    }
    const count = Math.max(nextEnd - nextStart, 1);
    avgX /= count;
    avgY /= count;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((xs[a]! - avgX) * (finite(ys[j]!) - finite(ys[a]!)) - (xs[a]! - xs[j]!) * (avgY - finite(ys[a]!)));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    outX.push(xs[best]!);
    outY.push(ys[best]!);
    a = best;
  }
  outX.push(xs[n - 1]!);
  outY.push(ys[n - 1]!);
  return { xs: outX, ys: outY };
}

/** NaN/±Infinity count as 0 when choosing points (they are kept as they are when chosen). */
function finite(v: number): number {
  return Number.isFinite(v) ? v : 0;
}
