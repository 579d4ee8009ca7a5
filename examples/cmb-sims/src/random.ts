import { createHash } from 'node:crypto';

/** Deterministic PRNG (mulberry32): the same seed gives the same stream on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed of one simulation, derived from the base seed and its partition
 * (`split`, `sim`) only: adding simulations never changes the existing ones, and a
 * rerun is byte-identical.
 */
export function simulationSeed(baseSeed: number, split: string, sim: number): number {
  return createHash('sha256').update(`${baseSeed}/${split}/${sim}`).digest().readUInt32LE(0);
}

/** Standard normal deviates (Box-Muller) from a uniform stream. */
export function gaussian(uniform: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}
