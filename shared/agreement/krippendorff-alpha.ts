import { type Coincidences, categoryIndex, coincidences, unitContribution } from './coincidence.ts';
import { type AgreementValue, type MeasurementLevel, numericValue, type UnitValues } from './values.ts';

/**
 * Krippendorff's α (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):
 *
 *   α = 1 − D_o / D_e = 1 − (n − 1) · Σ_c Σ_k o_ck δ²_ck / Σ_c Σ_k n_c n_k δ²_ck
 *
 * over the coincidence matrix o (coincidence.ts), its marginals n_c and n = Σ n_c, with the
 * difference function δ² of the level of measurement:
 *   nominal  δ² = 0 if c = k, else 1
 *   ordinal  δ² = (Σ_{g=c..k} n_g − (n_c + n_k)/2)²   (c, k in rank order)
 *   interval δ² = (c − k)²
 *   ratio    δ² = ((c − k)/(c + k))²
 */
export interface AlphaResult {
  /** null when α is undefined: no pairable values, or no variation at all (D_e = 0). */
  alpha: number | null;
  /** Why α is null. */
  undefinedReason?: 'no pairable values' | 'no variation';
  /** Units with two or more values: the only ones α uses. */
  pairableUnits: number;
  /** n: the values in those units. */
  pairableValues: number;
  observedDisagreement: number;
  expectedDisagreement: number;
}

export interface AlphaOptions {
  level: MeasurementLevel;
  /** Ordinal categories in rank order, needed when they are strings ("low", "mid", "high"). */
  order?: readonly AgreementValue[];
}

export function krippendorffAlpha(units: readonly UnitValues[], options: AlphaOptions): AlphaResult {
  checkLevel(units, options);
  return alphaFromCoincidences(coincidences(units, options.order), options.level);
}

/** α from a coincidence matrix (the bootstrap builds its matrices without going through the units). */
export function alphaFromCoincidences(
  { categories, matrix, pairableUnits }: Coincidences,
  level: MeasurementLevel,
): AlphaResult {
  const size = categories.length;
  const marginals = new Float64Array(size);
  for (let c = 0; c < size; c += 1) {
    let sum = 0;
    for (let k = 0; k < size; k += 1) sum += matrix[c * size + k] ?? 0;
    marginals[c] = sum;
  }
  const n = marginals.reduce((sum, value) => sum + value, 0);
  const delta = differenceFunction(categories, marginals, level);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < size; c += 1) {
    for (let k = 0; k < size; k += 1) {
      const d = delta(c, k);
      if (d === 0) continue;
      observed += (matrix[c * size + k] ?? 0) * d;
      expected += (marginals[c] ?? 0) * (marginals[k] ?? 0) * d;
    }
  }
  // Rounding leaves a few coincidences of a near-empty resample at 1.9999…; n counts values, so round.
  const pairableValues = Math.round(n);
  const base = { pairableUnits, pairableValues };
  if (pairableValues < 2) {
    return {
      alpha: null,
      undefinedReason: 'no pairable values',
      ...base,
      observedDisagreement: 0,
      expectedDisagreement: 0,
    };
  }
  const observedDisagreement = observed / n;
  const expectedDisagreement = expected / (n * (n - 1));
  if (expectedDisagreement <= 0) {
    return { alpha: null, undefinedReason: 'no variation', ...base, observedDisagreement, expectedDisagreement };
  }
  return {
    alpha: 1 - observedDisagreement / expectedDisagreement,
    ...base,
    observedDisagreement,
    expectedDisagreement,
  };
}

function differenceFunction(
  categories: readonly AgreementValue[],
  marginals: Float64Array,
  level: MeasurementLevel,
): (c: number, k: number) => number {
  if (level === 'nominal') return (c, k) => (c === k ? 0 : 1);
  if (level === 'ordinal') {
    // cumulative[i] = n_0 + … + n_(i−1), so Σ_{g=c..k} n_g = cumulative[k+1] − cumulative[c].
    const cumulative = new Float64Array(marginals.length + 1);
    marginals.forEach((value, i) => {
      cumulative[i + 1] = (cumulative[i] ?? 0) + value;
    });
    return (c, k) => {
      if (c === k) return 0;
      const [low, high] = c < k ? [c, k] : [k, c];
      const span = (cumulative[high + 1] ?? 0) - (cumulative[low] ?? 0);
      const d = span - ((marginals[low] ?? 0) + (marginals[high] ?? 0)) / 2;
      return d * d;
    };
  }
  const numbers = categories.map(numericValue);
  if (level === 'interval') {
    return (c, k) => ((numbers[c] ?? 0) - (numbers[k] ?? 0)) ** 2;
  }
  return (c, k) => {
    const a = numbers[c] ?? 0;
    const b = numbers[k] ?? 0;
    return a + b === 0 ? 0 : ((a - b) / (a + b)) ** 2;
  };
}

/** The level's demands on the values, checked before anything is computed so the message names them. */
export function checkLevel(units: readonly UnitValues[], { level, order }: AlphaOptions): void {
  const values = units.flat();
  if (level === 'ratio' && values.some((value) => typeof value === 'number' && value < 0))
    throw new Error('the ratio level needs values of zero or more');
  const text = values.find((value) => typeof value === 'string');
  if (text === undefined) return;
  if (level === 'interval' || level === 'ratio')
    throw new Error(`the ${level} level compares numbers, but "${text}" is not one`);
  if (level === 'ordinal' && order === undefined)
    throw new Error(`the ordinal level needs the categories' order to rank "${text}"`);
}

/**
 * Each unit's own share of α: α_u = 1 − D_o(u) / D_e, with D_e the expected disagreement of all the
 * units together and D_o(u) = Σ o_ck(u) δ²_ck / m_u the unit's observed disagreement. α itself is the
 * mean of the α_u weighted by m_u, so a unit's α_u says how much it adds to or takes from the
 * whole's reliability (a campaign export's `--min-agreement` reads it per item). null for a unit with
 * fewer than two values; 1 for every unit when no value differs from any other (D_e = 0).
 */
export function unitAlphas(units: readonly UnitValues[], options: AlphaOptions): (number | null)[] {
  checkLevel(units, options);
  const all = coincidences(units, options.order);
  const whole = alphaFromCoincidences(all, options.level);
  const size = all.categories.length;
  const marginals = new Float64Array(size);
  for (let c = 0; c < size; c += 1) {
    for (let k = 0; k < size; k += 1) marginals[c] = (marginals[c] ?? 0) + (all.matrix[c * size + k] ?? 0);
  }
  const delta = differenceFunction(all.categories, marginals, options.level);
  const index = categoryIndex(all.categories);
  return units.map((unit) => {
    if (unit.length < 2) return null;
    if (whole.expectedDisagreement <= 0) return 1;
    let observed = 0;
    for (const [c, k, weight] of unitContribution(unit, index).cells) observed += weight * delta(c, k);
    return 1 - observed / unit.length / whole.expectedDisagreement;
  });
}
