import { open } from 'node:fs/promises';
import { useTempDir } from '@aeroml/test-utils';
import { beforeAll } from 'vitest';
import { npyRef } from './python.js';

export const GiB = 1024 ** 3;

/**
 * A 1 GiB file numpy writes (`npy_ref.py <kind> <file> <bytes>`) in this test file's temp
 * dir, made before its tests (numpy may take minutes); `big` is filled in from then on.
 */
export function useNumpyGiB(kind: string, name: string, prefix: string) {
  const tmp = useTempDir(prefix);
  const big = { file: '', elements: 0, size: 0 };
  beforeAll(async () => {
    Object.assign(big, await npyRef<typeof big>(kind, tmp.path(name), String(GiB)));
  }, 300_000);
  return { tmp, big };
}

/** Compares two (possibly huge) files chunk by chunk without loading them. */
export async function sameFileBytes(a: string, b: string): Promise<boolean> {
  const [fa, fb] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const [sa, sb] = await Promise.all([fa.stat(), fb.stat()]);
    if (sa.size !== sb.size) return false;
    const chunk = 16 * 1024 * 1024;
    const ba = Buffer.alloc(chunk);
    const bb = Buffer.alloc(chunk);
    for (let pos = 0; pos < sa.size; pos += chunk) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, chunk, pos), fb.read(bb, 0, chunk, pos)]);
      if (ra.bytesRead !== rb.bytesRead || !ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
    }
    return true;
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

/** Peak resident memory of this process so far, in bytes. */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}
