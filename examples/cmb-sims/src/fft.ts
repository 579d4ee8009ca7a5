/**
 * In-place iterative radix-2 complex FFT of `re`/`im` (length a power of two), read
 * with `stride` starting at `offset` so rows and columns of an image share one routine.
 * `inverse` uses e^{+i...} and divides by n, so ifft(fft(x)) === x (to rounding).
 */
function fft1d(re: Float64Array, im: Float64Array, n: number, offset: number, stride: number, inverse: boolean): void {
  const at = (i: number) => offset + i * stride;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const a = at(i);
      const b = at(j);
      let t = re[a]!;
      re[a] = re[b]!;
      re[b] = t;
      t = im[a]!;
      im[a] = im[b]!;
      im[b] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (sign * 2 * Math.PI) / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let start = 0; start < n; start += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = at(start + k);
        const b = at(start + k + len / 2);
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
        const next = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = next;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      const a = at(i);
      re[a] = re[a]! / n;
      im[a] = im[a]! / n;
    }
  }
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

/** 2-D FFT of an n x n image stored row-major, in place (numpy's `fft2` / `ifft2` conventions). */
export function fft2(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  if (!isPowerOfTwo(n) || re.length !== n * n || im.length !== n * n) throw new RangeError(`fft2 needs two n*n arrays with n a power of two (n=${n}, lengths ${re.length}, ${im.length})`);
  for (let row = 0; row < n; row++) fft1d(re, im, n, row * n, 1, inverse);
  for (let col = 0; col < n; col++) fft1d(re, im, n, col, n, inverse);
}

/** Signed integer frequency of FFT index `i` (numpy's `fftfreq(n) * n`). */
export function frequency(i: number, n: number): number {
  return i < n / 2 ? i : i - n;
}
