import { AeroError, ErrorCodes } from '../errors.js';
import { seededRandom, seededShuffle } from './prng.js';
import type { Dimension, ParamValue, SearchSpace } from './space.js';

/**
 * A sampler that needs no Python. `params(k)` depends only on the seed and the trial
 * number, so a resumed study draws new trials where the last one stopped (never
 * trial 0's params again) and the same seed gives the same study.
 */
export interface BuiltinSampler {
  readonly name: 'grid' | 'random';
  /** How many distinct trials the sampler has (grid), or Infinity. */
  readonly size: number;
  params(trialNumber: number): Record<string, ParamValue>;
}

/** Uniform (or log-uniform) independent draws per dimension, like Optuna's RandomSampler. */
export function randomSampler(space: SearchSpace, seed: number): BuiltinSampler {
  return {
    name: 'random',
    size: Number.POSITIVE_INFINITY,
    params(k) {
      const random = seededRandom('random', seed, k);
      return Object.fromEntries(space.dimensions.map((d) => [d.key, draw(d, random)]));
    },
  };
}

function draw(dim: Dimension, random: () => number): ParamValue {
  if (dim.kind === 'categorical') return dim.choices[Math.floor(random() * dim.choices.length)]!.value as ParamValue;
  if (dim.kind === 'int') {
    if (dim.log) {
      // Log-uniform over [low - ½, high + ½], rounded: each integer gets its log-width share (low ≥ 1 here).
      const a = Math.log(dim.low - 0.5);
      const b = Math.log(dim.high + 0.5);
      return Math.min(dim.high, Math.max(dim.low, Math.round(Math.exp(a + random() * (b - a)))));
    }
    const count = Math.floor((dim.high - dim.low) / dim.step) + 1;
    return dim.low + Math.floor(random() * count) * dim.step;
  }
  if (dim.step !== undefined) {
    const count = Math.round((dim.high - dim.low) / dim.step) + 1;
    return Number.parseFloat((dim.low + Math.floor(random() * count) * dim.step).toPrecision(15));
  }
  if (dim.log) return Math.exp(Math.log(dim.low) + random() * (Math.log(dim.high) - Math.log(dim.low)));
  return dim.low + random() * (dim.high - dim.low);
}

/** Every value of a dimension the grid visits; a continuous interval has no such list. */
function gridValues(dim: Dimension): ParamValue[] {
  if (dim.kind === 'categorical') return dim.choices.map((c) => c.value as ParamValue);
  const step = dim.step;
  if (step === undefined || (dim.kind === 'int' && dim.log)) {
    if (dim.kind === 'int') return Array.from({ length: dim.high - dim.low + 1 }, (_, i) => dim.low + i);
    throw new AeroError(ErrorCodes.TUNE_SAMPLER_UNSUITABLE, `The grid sampler cannot search \`${dim.text}\`: an interval is continuous, a grid needs a list of values.`, {
      hint: `Use range(...) or choice(...) for ${dim.key} with --sampler grid, or another sampler (--sampler random or tpe).`,
    });
  }
  const count = Math.round((dim.high - dim.low) / step) + 1;
  return Array.from({ length: count }, (_, i) => (dim.kind === 'int' ? dim.low + i * step : Number.parseFloat((dim.low + i * step).toPrecision(15))));
}

/**
 * Every combination once, in a seeded shuffled order (as Optuna's GridSampler visits
 * its grid): a budget smaller than the grid still spreads over it.
 */
export function gridSampler(space: SearchSpace, seed: number): BuiltinSampler {
  const axes = space.dimensions.map((d) => ({ key: d.key, values: gridValues(d) }));
  const size = axes.reduce((n, a) => n * a.values.length, 1);
  if (size > 1_000_000) {
    throw new AeroError(ErrorCodes.TUNE_SAMPLER_UNSUITABLE, `The grid has ${size} points; the grid sampler takes at most 1,000,000.`, { hint: 'Use coarser range(...) steps, or --sampler random or tpe.' });
  }
  const order = seededShuffle(
    Array.from({ length: size }, (_, i) => i),
    seededRandom('grid', seed),
  );
  return {
    name: 'grid',
    size,
    params(k) {
      let index = order[k % size]!;
      const out: Record<string, ParamValue> = {};
      for (let a = axes.length - 1; a >= 0; a--) {
        const axis = axes[a]!;
        out[axis.key] = axis.values[index % axis.values.length]!;
        index = Math.floor(index / axis.values.length);
      }
      return out;
    },
  };
}
