import { type AgreementValue, valueKey } from './values.ts';

/**
 * Cohen's κ (Cohen 1960) for two coders over the units both coded: κ = (p_o − p_e) / (1 − p_e),
 * p_o the share of units where they agree, p_e = Σ_c p_A(c) · p_B(c) from each coder's own marginals.
 * Units only one of them coded do not enter (pairwise deletion).
 */
export interface CohenKappaResult {
  /** null when p_e = 1 (both coders used one and the same category throughout) or no unit is shared. */
  kappa: number | null;
  /** Units both coders coded. */
  units: number;
  observedAgreement: number | null;
  expectedAgreement: number | null;
}

export function cohenKappa(pairs: readonly (readonly [AgreementValue, AgreementValue])[]): CohenKappaResult {
  const units = pairs.length;
  if (units === 0) return { kappa: null, units, observedAgreement: null, expectedAgreement: null };
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  let agreements = 0;
  for (const [a, b] of pairs) {
    const ka = valueKey(a);
    const kb = valueKey(b);
    if (ka === kb) agreements += 1;
    first.set(ka, (first.get(ka) ?? 0) + 1);
    second.set(kb, (second.get(kb) ?? 0) + 1);
  }
  const observedAgreement = agreements / units;
  let expectedAgreement = 0;
  for (const [key, count] of first) expectedAgreement += (count / units) * ((second.get(key) ?? 0) / units);
  const kappa = expectedAgreement >= 1 ? null : (observedAgreement - expectedAgreement) / (1 - expectedAgreement);
  return { kappa, units, observedAgreement, expectedAgreement };
}

/** The units two coders both coded, as value pairs, from per-unit maps of coder → value. */
export function sharedPairs(
  units: readonly ReadonlyMap<string, AgreementValue>[],
  a: string,
  b: string,
): Array<[AgreementValue, AgreementValue]> {
  const pairs: Array<[AgreementValue, AgreementValue]> = [];
  for (const unit of units) {
    const va = unit.get(a);
    const vb = unit.get(b);
    if (va !== undefined && vb !== undefined) pairs.push([va, vb]);
  }
  return pairs;
}
