import { createHash } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** Uniform numbers in [0, 1) from a 32-bit seed (pure-rand's xoroshiro128+): the same stream on every machine. */
export function uniform(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
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
