import { categoryIndex, unitContribution } from './coincidence.ts';
import { type AlphaOptions, alphaFromCoincidences, checkLevel } from './krippendorff-alpha.ts';
import {
  type AgreementValue,
  type MeasurementLevel,
  numericValue,
  orderedCategories,
  type UnitValues,
} from './values.ts';

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
  const summaries = pairable.map((cluster) => summarize(cluster, index, categories, options.level));
  const random = mulberry32(seed);
  const alphas: number[] = [];
  const marginals = new Float64Array(size);
  const matrix = options.level === 'ordinal' ? new Float64Array(size * size) : null;
  for (let round = 0; round < resamples; round += 1) {
    marginals.fill(0);
    matrix?.fill(0);
    let observed = 0;
    let drawnUnits = 0;
    for (let draw = 0; draw < pairable.length; draw += 1) {
      const summary = summaries[Math.floor(random() * pairable.length)];
      if (!summary) continue;
      drawnUnits += summary.units;
      observed += summary.observed;
      for (const [c, count] of summary.counts) marginals[c] = (marginals[c] ?? 0) + count;
      if (matrix)
        for (const [c, k, weight] of summary.cells) matrix[c * size + k] = (matrix[c * size + k] ?? 0) + weight;
    }
    const alpha = matrix
      ? alphaFromCoincidences({ categories, matrix, pairableUnits: drawnUnits }, 'ordinal').alpha
      : alphaFromSums(observed, marginals, categories, options.level);
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

/**
 * What one cluster adds to a resample. At the nominal, interval and ratio levels δ² does not depend
 * on the marginals, so a cluster's observed disagreement Σ o_ck δ²_ck is one number and a resample
 * needs only that sum and the marginals n_c; the ordinal δ² does, so it keeps the cells.
 */
interface ClusterSummary {
  units: number;
  observed: number;
  counts: Array<[number, number]>;
  cells: Array<[number, number, number]>;
}

function summarize(
  cluster: readonly UnitValues[],
  index: ReadonlyMap<string, number>,
  categories: readonly AgreementValue[],
  level: MeasurementLevel,
): ClusterSummary {
  const cells = cluster.flatMap((unit) => unitContribution(unit, index).cells);
  const counts = new Map<number, number>();
  let observed = 0;
  const delta = level === 'ordinal' ? null : fixedDifference(categories, level);
  for (const [c, k, weight] of cells) {
    counts.set(c, (counts.get(c) ?? 0) + weight);
    if (delta) observed += weight * delta(c, k);
  }
  return { units: cluster.length, observed, counts: [...counts.entries()], cells: delta ? [] : cells };
}

function fixedDifference(categories: readonly AgreementValue[], level: MeasurementLevel) {
  if (level === 'nominal') return (c: number, k: number) => (c === k ? 0 : 1);
  const x = categories.map(numericValue);
  if (level === 'interval') return (c: number, k: number) => ((x[c] ?? 0) - (x[k] ?? 0)) ** 2;
  return (c: number, k: number) => {
    const a = x[c] ?? 0;
    const b = x[k] ?? 0;
    return a + b === 0 ? 0 : ((a - b) / (a + b)) ** 2;
  };
}

/**
 * α = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck from the observed sum and the marginals (nominal,
 * interval, ratio), the same figure `alphaFromCoincidences` gives from the whole matrix.
 */
function alphaFromSums(
  observed: number,
  marginals: Float64Array,
  categories: readonly AgreementValue[],
  level: MeasurementLevel,
): number | null {
  let n = 0;
  let used = 0;
  for (const value of marginals) {
    n += value;
    if (value > 0) used += 1;
  }
  // One category only: D_e = 0, α undefined (decided by counting, not by a float that might be 1e-13).
  if (Math.round(n) < 2 || used < 2) return null;
  let expected = 0;
  if (level === 'nominal') {
    let squares = 0;
    for (const value of marginals) squares += value * value;
    expected = n * n - squares;
  } else if (level === 'interval') {
    // Σ_c Σ_k n_c n_k (x_c − x_k)² = 2n Σ_c n_c (x_c − x̄)².
    const x = categories.map(numericValue);
    let sum = 0;
    marginals.forEach((value, c) => {
      sum += value * (x[c] ?? 0);
    });
    const mean = sum / n;
    let spread = 0;
    marginals.forEach((value, c) => {
      spread += value * ((x[c] ?? 0) - mean) ** 2;
    });
    expected = 2 * n * spread;
  } else {
    const delta = fixedDifference(categories, level);
    for (let c = 0; c < marginals.length; c += 1)
      for (let k = 0; k < marginals.length; k += 1) expected += (marginals[c] ?? 0) * (marginals[k] ?? 0) * delta(c, k);
  }
  if (expected <= 0) return null;
  return 1 - ((n - 1) * observed) / expected;
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
