import { z } from 'zod';

/**
 * The values agreement statistics compare: a category (a thumb, a tag's presence, a choice) or a
 * number (a score, a rubric number). One coder gives at most one value per unit; a missing value is
 * simply absent from the unit, never a sentinel.
 */
export type AgreementValue = string | number | boolean;

/** Krippendorff's levels of measurement: which differences between two values count, and how much. */
export const MEASUREMENT_LEVELS = ['nominal', 'ordinal', 'interval', 'ratio'] as const;
export const measurementLevelSchema = z.enum(MEASUREMENT_LEVELS, {
  error: `must be one of ${MEASUREMENT_LEVELS.join(', ')}`,
});
export type MeasurementLevel = z.infer<typeof measurementLevelSchema>;

/** The values the coders gave one unit (a response), missing ones left out: `[1, 2, 2]`, `['up']`. */
export type UnitValues = readonly AgreementValue[];

/** A key under which equal values meet (1 and "1" stay apart; true and "true" too). */
export function valueKey(value: AgreementValue): string {
  return `${typeof value}:${String(value)}`;
}

/**
 * A reliability data matrix as Krippendorff (2011) lays it out, one row per coder and one column per
 * unit, `null` where a coder gave no value, turned into the values of each unit.
 */
export function unitsFromMatrix(rows: readonly (readonly (AgreementValue | null)[])[]): UnitValues[] {
  const width = Math.max(0, ...rows.map((row) => row.length));
  const units: AgreementValue[][] = [];
  for (let column = 0; column < width; column += 1) {
    const unit: AgreementValue[] = [];
    for (const row of rows) {
      const value = row[column];
      if (value !== null && value !== undefined) unit.push(value);
    }
    units.push(unit);
  }
  return units;
}

/**
 * The distinct values in their order: numbers ascending and booleans false before true; strings by
 * `order` when one is given (ordinal categories), else in code-point order (nominal does not care).
 */
export function orderedCategories(units: readonly UnitValues[], order?: readonly AgreementValue[]): AgreementValue[] {
  const seen = new Map<string, AgreementValue>();
  for (const unit of units) for (const value of unit) seen.set(valueKey(value), value);
  const values = [...seen.values()];
  if (order) {
    const rank = new Map(order.map((value, index) => [valueKey(value), index]));
    const unranked = values.filter((value) => !rank.has(valueKey(value)));
    if (unranked.length > 0)
      throw new Error(`the order ${JSON.stringify(order)} does not place ${JSON.stringify(unranked.slice(0, 3))}`);
    return values.sort((a, b) => (rank.get(valueKey(a)) ?? 0) - (rank.get(valueKey(b)) ?? 0));
  }
  return values.sort(compareValues);
}

function compareValues(a: AgreementValue, b: AgreementValue): number {
  if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** The number a value stands for at the interval and ratio levels (and for ordering booleans). */
export function numericValue(value: AgreementValue): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new Error(`"${value}" is not a number: the interval and ratio levels compare numbers`);
}
