import { type UnitValues, valueKey } from './values.ts';

/**
 * Percent agreement: over the units with two or more values, the mean share of pairs of values
 * within a unit that are equal (exact match). With two coders it is the share of units they agree
 * on; with more, a unit where 2 of 3 agree counts 1/3 (one agreeing pair of three). It ignores
 * chance, which is why α and κ are reported beside it.
 */
export interface PercentAgreementResult {
  /** From 0 to 1; null when no unit has two values. */
  agreement: number | null;
  units: number;
}

export function percentAgreement(units: readonly UnitValues[]): PercentAgreementResult {
  let sum = 0;
  let counted = 0;
  for (const unit of units) {
    const m = unit.length;
    if (m < 2) continue;
    const counts = new Map<string, number>();
    for (const value of unit) counts.set(valueKey(value), (counts.get(valueKey(value)) ?? 0) + 1);
    let agreeing = 0;
    for (const count of counts.values()) agreeing += (count * (count - 1)) / 2;
    sum += agreeing / ((m * (m - 1)) / 2);
    counted += 1;
  }
  return { agreement: counted === 0 ? null : sum / counted, units: counted };
}
