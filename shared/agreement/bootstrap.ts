import { categoryIndex, unitContribution } from './coincidence.ts';
import { type AlphaOptions, alphaFromCoincidences, checkLevel } from './krippendorff-alpha.ts';
import { orderedCategories, type UnitValues } from './values.ts';

/**
 * A percentile bootstrap interval for α that resamples units (a cluster bootstrap): draw as many
 * units as there are, with replacement, recompute α from the coincidences of the drawn units, repeat
 * `resamples` times, and take the 2.5th and 97.5th percentiles of the α values (linear interpolation
 * between order statistics). Resampling whole units keeps the values coded on one response together,
 * which is what varies from one sample of responses to the next. Krippendorff's own bootstrap
 * (Hayes & Krippendorff 2007) resamples pairs of values instead; docs/agreement.md says why this one.
 *
 * A draw where α is undefined (every drawn unit agrees on a single value, say) is left out and
 * counted. The random draws come from a seeded generator, so the same data and seed give the same
 * interval on every machine.
 */
export interface BootstrapOptions extends AlphaOptions {
  /** How many resamples; 1000 unless given. */
  resamples?: number;
  /** The generator's seed; 1 unless given. */
  seed?: number;
  /** The interval's coverage; 0.95 unless given. */
  confidence?: number;
}

export interface AlphaInterval {
  low: number;
  high: number;
  confidence: number;
  resamples: number;
  /** Resamples whose α was undefined, left out of the percentiles. */
  undefinedResamples: number;
  seed: number;
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_SEED = 1;

/**
 * The interval, or null when fewer than two units are pairable (a resample of one unit says nothing
 * about the spread) or every resample left α undefined. `clusters` are resampled whole: usually each
 * holds one unit; a derived table (machine-vs-human pairs) puts the units of one response together.
 */
export function bootstrapAlpha(
  clusters: readonly (readonly UnitValues[])[],
  options: BootstrapOptions,
): AlphaInterval | null {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error('resamples must be a whole number above 0');
  if (!(confidence > 0 && confidence < 1)) throw new Error('confidence must be between 0 and 1');
  const pairable = clusters
    .map((cluster) => cluster.filter((unit) => unit.length >= 2))
    .filter((cluster) => cluster.length > 0);
  if (pairable.length < 2) return null;
  const units = pairable.flat();
  checkLevel(units, options);
  const categories = orderedCategories(units, options.order);
  const index = categoryIndex(categories);
  const size = categories.length;
  const contributions = pairable.map((cluster) => cluster.flatMap((unit) => unitContribution(unit, index).cells));
  const random = mulberry32(seed);
  const alphas: number[] = [];
  const matrix = new Float64Array(size * size);
  for (let round = 0; round < resamples; round += 1) {
    matrix.fill(0);
    let drawnUnits = 0;
    for (let draw = 0; draw < pairable.length; draw += 1) {
      const pick = Math.floor(random() * pairable.length);
      drawnUnits += pairable[pick]?.length ?? 0;
      for (const [c, k, weight] of contributions[pick] ?? [])
        matrix[c * size + k] = (matrix[c * size + k] ?? 0) + weight;
    }
    const { alpha } = alphaFromCoincidences({ categories, matrix, pairableUnits: drawnUnits }, options.level);
    if (alpha !== null) alphas.push(alpha);
  }
  if (alphas.length === 0) return null;
  alphas.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return {
    low: quantile(alphas, tail),
    high: quantile(alphas, 1 - tail),
    confidence,
    resamples,
    undefinedResamples: resamples - alphas.length,
    seed,
  };
}

/** The q-quantile of sorted values, interpolating linearly between order statistics (R's type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[above] ?? Number.NaN;
  return low + (high - low) * (position - below);
}

/** A small, well-known 32-bit seeded generator (mulberry32): uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
