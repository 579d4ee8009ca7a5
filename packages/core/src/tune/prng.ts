import { createHash } from 'node:crypto';

/**
 * A seeded uniform generator in [0, 1): mulberry32 (a 32-bit state, small and well
 * mixed; plenty for drawing a handful of trial params). Seeded from sha256 of the parts,
 * so trial k of seed s is the same draw in every process and after every resume.
 */
export function seededRandom(...parts: Array<string | number>): () => number {
  let state = createHash('sha256').update(parts.join('\u0000')).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with a seeded generator: the same order for the same seed. */
export function seededShuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
