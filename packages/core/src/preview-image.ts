import { crc32, deflateSync } from 'node:zlib';
import type { AssetPreview } from './contracts/handler.js';

/** Longest side of a thumbnail, in pixels (a 4096×4096 map becomes 128×128). */
const THUMB = 128;

/**
 * A handler's `preview` for array data (npy, FITS images): shape, dtype, min/max/mean of the
 * finite values, and for 2-D (or the first 2-D plane of N-D) data a grey-scale PNG
 * thumbnail scaled from min (black) to max (white). `fortranOrder`: the first axis varies fastest.
 */
export function arrayPreview(dtype: string, shape: readonly number[], values: ArrayLike<number | bigint>, options: { fortranOrder?: boolean; extra?: AssetPreview['summary'] } = {}): AssetPreview {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    finite++;
  }
  const summary: AssetPreview['summary'] = { dtype, shape: [...shape], elements: values.length, ...(finite ? { min, max, mean: sum / finite } : {}), ...(finite < values.length ? { nonFinite: values.length - finite } : {}), ...options.extra };
  const dims = shape.filter((d) => d > 1);
  if (dims.length < 2 || finite === 0) return { summary };
  // The last two axes of C-order data (the first two of Fortran-order) form the first plane.
  const [rows, cols] = options.fortranOrder ? [shape[0]!, shape[1]!] : [shape[shape.length - 2]!, shape[shape.length - 1]!];
  const at = (r: number, c: number) => Number(values[options.fortranOrder ? c * rows + r : r * cols + c]);
  const scale = Math.max(rows, cols) > THUMB ? THUMB / Math.max(rows, cols) : 1;
  const [h, w] = [Math.max(1, Math.round(rows * scale)), Math.max(1, Math.round(cols * scale))];
  const pixels = new Uint8Array(w * h);
  const span = max - min || 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = at(Math.min(rows - 1, Math.floor(y / scale)), Math.min(cols - 1, Math.floor(x / scale)));
      pixels[y * w + x] = Number.isFinite(v) ? Math.round(((v - min) / span) * 255) : 0;
    }
  }
  return { summary, pngBase64: grayPng(w, h, pixels).toString('base64') };
}

/** An 8-bit grey-scale PNG: signature, IHDR, one zlib IDAT (filter 0 on each row), IEND. */
export function grayPng(width: number, height: number, pixels: Uint8Array): Buffer {
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: grey
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}
