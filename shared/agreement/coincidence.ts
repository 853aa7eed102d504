import { type AgreementValue, orderedCategories, type UnitValues, valueKey } from './values.ts';

/**
 * Krippendorff's coincidence matrix: o[c][k] = Σ over units u of (number of c–k pairs of values in u)
 * / (m_u − 1), where m_u is the number of values u holds. Each pairable value (one in a unit with at
 * least two) adds exactly 1 to its row, so the row sums n_c count the pairable values of each category
 * and their total n is the number of pairable values. A unit with fewer than two values pairs nothing
 * and is left out: that is how α treats missing data, with no imputation.
 */
export interface Coincidences {
  /** The categories, in order (numbers ascending; ordinal strings in their declared order). */
  readonly categories: readonly AgreementValue[];
  /** categories.length² entries, row-major. */
  readonly matrix: Float64Array;
  /** Units with at least two values. */
  readonly pairableUnits: number;
}

/** Where each category sits in the matrix. */
export function categoryIndex(categories: readonly AgreementValue[]): Map<string, number> {
  return new Map(categories.map((value, index) => [valueKey(value), index]));
}

/**
 * One unit's share of the matrix as sparse (row, column, weight) triples: what the bootstrap adds up
 * again for every resample without looking at the values.
 */
export function unitContribution(
  unit: UnitValues,
  index: ReadonlyMap<string, number>,
): { cells: Array<[number, number, number]> } {
  const m = unit.length;
  if (m < 2) return { cells: [] };
  const counts = new Map<number, number>();
  for (const value of unit) {
    const at = index.get(valueKey(value));
    if (at === undefined) throw new Error(`value ${JSON.stringify(value)} has no category`);
    counts.set(at, (counts.get(at) ?? 0) + 1);
  }
  const cells: Array<[number, number, number]> = [];
  for (const [c, nc] of counts) {
    for (const [k, nk] of counts) {
      // Ordered pairs of distinct values: a value is never paired with itself.
      const pairs = c === k ? nc * (nc - 1) : nc * nk;
      if (pairs > 0) cells.push([c, k, pairs / (m - 1)]);
    }
  }
  return { cells };
}

export function coincidences(units: readonly UnitValues[], order?: readonly AgreementValue[]): Coincidences {
  const categories = orderedCategories(units, order);
  const index = categoryIndex(categories);
  const size = categories.length;
  const matrix = new Float64Array(size * size);
  let pairableUnits = 0;
  for (const unit of units) {
    if (unit.length < 2) continue;
    pairableUnits += 1;
    for (const [c, k, weight] of unitContribution(unit, index).cells)
      matrix[c * size + k] = (matrix[c * size + k] ?? 0) + weight;
  }
  return { categories, matrix, pairableUnits };
}
