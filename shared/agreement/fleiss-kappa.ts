import { type UnitValues, valueKey } from './values.ts';

/**
 * Fleiss' κ (Fleiss 1971) for categorical judgements: κ = (P̄ − P̄_e) / (1 − P̄_e), where
 *   P_i = Σ_j n_ij (n_ij − 1) / (n_i (n_i − 1))   agreement among the n_i ratings of unit i,
 *   P̄   = the mean of P_i over the units,
 *   p_j = Σ_i n_ij / Σ_i n_i                       the share of all ratings in category j,
 *   P̄_e = Σ_j p_j².
 * Fleiss defined it for the same number of raters n on every unit, and then these formulas are his
 * exactly. With varying counts (annotators skip responses) the same formulas are applied as written
 * (each unit's P_i from its own n_i, p_j over all ratings), units with fewer than two ratings left out;
 * `constantRaters` says which case the figure is, so a report can flag the extension.
 */
export interface FleissKappaResult {
  kappa: number | null;
  undefinedReason?: 'no unit with two ratings' | 'no variation';
  /** Units with two or more ratings. */
  units: number;
  /** Whether every such unit had the same number of ratings (Fleiss' own setting). */
  constantRaters: boolean;
  /** P̄: the mean share of agreeing rating pairs within a unit. */
  meanAgreement: number | null;
  expectedAgreement: number | null;
}

export function fleissKappa(units: readonly UnitValues[]): FleissKappaResult {
  const rated = units.filter((unit) => unit.length >= 2);
  const raterCounts = new Set(rated.map((unit) => unit.length));
  const constantRaters = raterCounts.size <= 1;
  if (rated.length === 0) {
    return {
      kappa: null,
      undefinedReason: 'no unit with two ratings',
      units: 0,
      constantRaters,
      meanAgreement: null,
      expectedAgreement: null,
    };
  }
  const totals = new Map<string, number>();
  let ratings = 0;
  let agreementSum = 0;
  for (const unit of rated) {
    const counts = new Map<string, number>();
    for (const value of unit) counts.set(valueKey(value), (counts.get(valueKey(value)) ?? 0) + 1);
    let pairs = 0;
    for (const [key, count] of counts) {
      pairs += count * (count - 1);
      totals.set(key, (totals.get(key) ?? 0) + count);
    }
    ratings += unit.length;
    agreementSum += pairs / (unit.length * (unit.length - 1));
  }
  const meanAgreement = agreementSum / rated.length;
  let expectedAgreement = 0;
  for (const count of totals.values()) expectedAgreement += (count / ratings) ** 2;
  const base = { units: rated.length, constantRaters, meanAgreement, expectedAgreement };
  if (expectedAgreement >= 1) return { kappa: null, undefinedReason: 'no variation', ...base };
  return { kappa: (meanAgreement - expectedAgreement) / (1 - expectedAgreement), ...base };
}
