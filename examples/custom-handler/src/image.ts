/**
 * A grayscale (PGM) or RGB (PPM) image. `data` holds `height × width × channels` samples,
 * row by row, channels interleaved; a Uint8Array when `maxval` < 256, else a Uint16Array.
 */
export interface NetpbmImage {
  width: number;
  height: number;
  channels: 1 | 3;
  /** Largest sample value (1-65535); 255 for ordinary 8-bit images. */
  maxval: number;
  data: Uint8Array | Uint16Array;
}

/** Builds an image, allocating zeroed samples when `data` is omitted. */
export function netpbmImage(width: number, height: number, options: { channels?: 1 | 3; maxval?: number; data?: Uint8Array | Uint16Array } = {}): NetpbmImage {
  const channels = options.channels ?? 1;
  const maxval = options.maxval ?? 255;
  const size = width * height * channels;
  const data = options.data ?? (maxval < 256 ? new Uint8Array(size) : new Uint16Array(size));
  return { width, height, channels, maxval, data };
}
