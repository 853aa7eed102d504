import { describe, expect, it } from 'vitest';
import {
  type AgreementValue,
  cohenKappa,
  fleissKappa,
  krippendorffAlpha,
  percentAgreement,
  unitsFromMatrix,
} from '../../../shared/agreement/index.ts';

/** A figure to three decimals, as the sources print them. */
const toThree = (value: number | null) => (value === null ? null : Number(value.toFixed(3)));

/**
 * Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E: four observers, twelve
 * units, values 1–5, missing values blank. Unit 12 holds a single value (observer B's 3), so it pairs
 * with nothing; units 1 and 11 lack one observer each, units 10 another.
 */
const KRIPPENDORFF_2011: (number | null)[][] = [
  /* A */ [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  /* B */ [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  /* C */ [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  /* D */ [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
];

describe('Krippendorff (2011) worked example with missing values', () => {
  const units = unitsFromMatrix(KRIPPENDORFF_2011);

  it.each([
    ['nominal', 0.743],
    ['ordinal', 0.815],
    ['interval', 0.849],
    ['ratio', 0.797],
  ] as const)('%s α = %s', (level, published) => {
    expect(toThree(krippendorffAlpha(units, { level }).alpha)).toBe(published);
  });

  it('pairs only the units holding two or more values: 11 units, 40 values', () => {
    const result = krippendorffAlpha(units, { level: 'nominal' });
    expect(result.pairableUnits).toBe(11);
    expect(result.pairableValues).toBe(40);
  });

  it('a single-valued unit changes nothing, wherever it sits', () => {
    const withoutTwelve = unitsFromMatrix(KRIPPENDORFF_2011.map((row) => row.slice(0, 11)));
    for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
      expect(krippendorffAlpha(withoutTwelve, { level }).alpha).toBeCloseTo(
        krippendorffAlpha(units, { level }).alpha ?? Number.NaN,
        12,
      );
    }
  });

  it('ordinal categories given as words rank by the declared order, with the same α', () => {
    const names = ['one', 'two', 'three', 'four', 'five'];
    const words = KRIPPENDORFF_2011.map((row) =>
      row.map((value) => (value === null ? null : (names[value - 1] ?? null))),
    );
    expect(toThree(krippendorffAlpha(unitsFromMatrix(words), { level: 'ordinal', order: names }).alpha)).toBe(0.815);
  });
});

describe('Krippendorff (2011) binary example, two observers, no missing data', () => {
  it('α = 0.095', () => {
    const units = unitsFromMatrix([
      [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
      [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    ]);
    expect(toThree(krippendorffAlpha(units, { level: 'nominal' }).alpha)).toBe(0.095);
  });
});

describe('Fleiss (1971) worked example as Wikipedia\'s "Fleiss\' kappa" gives it', () => {
  // 10 subjects, 14 raters each, 5 categories: n_ij, how many raters put subject i in category j.
  const COUNTS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];
  const units = COUNTS.map((row) => row.flatMap((count, category) => Array<AgreementValue>(count).fill(category + 1)));

  it('κ = 0.210, P̄ = 0.378, P̄e = 0.213, with 14 raters on every subject', () => {
    const result = fleissKappa(units);
    expect(toThree(result.kappa)).toBe(0.21);
    expect(toThree(result.meanAgreement)).toBe(0.378);
    expect(toThree(result.expectedAgreement)).toBe(0.213);
    expect(result.constantRaters).toBe(true);
    expect(result.units).toBe(10);
  });

  it('percent agreement is P̄, the mean share of agreeing pairs', () => {
    expect(toThree(percentAgreement(units).agreement)).toBe(0.378);
  });

  it('flags varying rater counts instead of hiding them', () => {
    expect(fleissKappa([...units, [1, 2, 3]]).constantRaters).toBe(false);
  });
});

describe("Cohen's κ: Wikipedia's 50 grant proposals", () => {
  it('κ = 0.4 (p_o = 0.7, p_e = 0.5)', () => {
    // Both yes 20, A yes B no 5, A no B yes 10, both no 15.
    const pairs: Array<[string, string]> = [
      ...Array.from({ length: 20 }, (): [string, string] => ['yes', 'yes']),
      ...Array.from({ length: 5 }, (): [string, string] => ['yes', 'no']),
      ...Array.from({ length: 10 }, (): [string, string] => ['no', 'yes']),
      ...Array.from({ length: 15 }, (): [string, string] => ['no', 'no']),
    ];
    const result = cohenKappa(pairs);
    expect(toThree(result.kappa)).toBe(0.4);
    expect(result.observedAgreement).toBeCloseTo(0.7, 12);
    expect(result.expectedAgreement).toBeCloseTo(0.5, 12);
    expect(result.units).toBe(50);
  });

  it('is undefined, not 1 or NaN, when both coders used one category throughout', () => {
    expect(
      cohenKappa([
        ['up', 'up'],
        ['up', 'up'],
      ]).kappa,
    ).toBeNull();
  });
});
