import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bootstrapAlpha,
  krippendorffAlpha,
  mulberry32,
  quantile,
  type UnitValues,
} from '../../../shared/agreement/index.ts';

/** Units where every coder gives the unit's true value, with 2–5 coders and some units single-coded. */
const identicalUnits = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 5 })), { minLength: 2, maxLength: 40 })
  .filter((units) => new Set(units.filter(([, coders]) => coders >= 2).map(([value]) => value)).size >= 2)
  .map((units) => units.map(([value, coders]) => Array<number>(coders).fill(value)));

/** Random reliability data: `coders` per unit, each value drawn independently and uniformly. */
function randomUnits(seed: number, units: number, coders: number, categories: number): number[][] {
  const random = mulberry32(seed);
  return Array.from({ length: units }, () => Array.from({ length: coders }, () => Math.floor(random() * categories)));
}

describe('α properties', () => {
  it('α = 1 whenever every coder of a unit gives the same value (at every level)', () => {
    fc.assert(
      fc.property(
        identicalUnits,
        fc.constantFrom('nominal', 'ordinal', 'interval', 'ratio' as const),
        (units, level) => {
          expect(krippendorffAlpha(units, { level }).alpha).toBeCloseTo(1, 12);
        },
      ),
    );
  });

  it('α ≈ 0 for independent random answers over many units', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 2, max: 6 }),
        (seed, coders, categories) => {
          // With 4000 units α's spread under independence is under 0.016: 0.08 is five of those.
          const units = randomUnits(seed, 4000, coders, categories);
          for (const level of ['nominal', 'interval'] as const) {
            const { alpha } = krippendorffAlpha(units, { level });
            expect(Math.abs(alpha ?? Number.NaN)).toBeLessThan(0.08);
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it('nominal α does not change when the categories are renamed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.shuffledSubarray(['a', 'b', 'c', 'd', 'e'], { minLength: 5, maxLength: 5 }),
        (seed, names) => {
          const units = randomUnits(seed, 30, 3, 5).map((unit, i) => (i % 4 === 0 ? unit.slice(0, 1) : unit));
          const renamed = units.map((unit) => unit.map((value) => names[value] ?? ''));
          const before = krippendorffAlpha(units, { level: 'nominal' }).alpha;
          const after = krippendorffAlpha(renamed, { level: 'nominal' }).alpha;
          if (before === null) expect(after).toBeNull();
          else expect(after).toBeCloseTo(before, 12);
        },
      ),
    );
  });

  it('interval α does not change under a linear transform a·x + b (a ≠ 0)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }).chain((a) => fc.constantFrom(a, -a)),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        (seed, a, b) => {
          const units = randomUnits(seed, 25, 3, 101).map((unit, i) => (i % 5 === 0 ? unit.slice(0, 2) : unit));
          const moved = units.map((unit) => unit.map((value) => a * value + b));
          const before = krippendorffAlpha(units, { level: 'interval' }).alpha ?? Number.NaN;
          expect(krippendorffAlpha(moved, { level: 'interval' }).alpha).toBeCloseTo(before, 6);
        },
      ),
    );
  });
});

describe('the bootstrap interval for α', () => {
  const units: UnitValues[] = randomUnits(7, 200, 3, 4).map((unit, i) =>
    // Two thirds of the units agree fully, so α sits well above 0.
    i % 3 === 0 ? unit : Array<number>(3).fill(unit[0] ?? 0),
  );
  const clusters = units.map((unit) => [unit]);

  it('brackets α and is the same for the same seed, different for another', () => {
    const alpha = krippendorffAlpha(units, { level: 'nominal' }).alpha ?? Number.NaN;
    const first = bootstrapAlpha(clusters, { level: 'nominal', seed: 42, resamples: 500 });
    const again = bootstrapAlpha(clusters, { level: 'nominal', seed: 42, resamples: 500 });
    const other = bootstrapAlpha(clusters, { level: 'nominal', seed: 43, resamples: 500 });
    expect(first).not.toBeNull();
    expect(first?.low).toBeLessThan(alpha);
    expect(first?.high).toBeGreaterThan(alpha);
    expect(again).toEqual(first);
    expect(other?.low).not.toBe(first?.low);
    expect(first?.undefinedResamples).toBe(0);
  });

  it('narrows as units grow (about 1/√n): four times the units, about half the width', () => {
    const width = (n: number) => {
      const data = randomUnits(11, n, 2, 3).map((unit, i) => (i % 2 === 0 ? unit : [unit[0] ?? 0, unit[0] ?? 0]));
      const interval = bootstrapAlpha(
        data.map((unit) => [unit]),
        { level: 'nominal', resamples: 400 },
      );
      return (interval?.high ?? 0) - (interval?.low ?? 0);
    };
    const ratio = width(1600) / width(400);
    expect(ratio).toBeGreaterThan(0.35);
    expect(ratio).toBeLessThan(0.7);
  });

  it('covers the true α of the population most of the time', () => {
    // Population: each unit agrees fully with probability 0.5, else three independent draws of 4 values.
    const draw = (seed: number, n: number) => {
      const random = mulberry32(seed);
      return Array.from({ length: n }, () => {
        const first = Math.floor(random() * 4);
        if (random() < 0.5) return [first, first, first];
        return [first, Math.floor(random() * 4), Math.floor(random() * 4)];
      });
    };
    const truth = krippendorffAlpha(draw(999, 200_000), { level: 'nominal' }).alpha ?? Number.NaN;
    let covered = 0;
    const trials = 40;
    for (let trial = 1; trial <= trials; trial += 1) {
      const interval = bootstrapAlpha(
        draw(trial, 150).map((unit) => [unit]),
        { level: 'nominal', resamples: 300, seed: trial },
      );
      if (interval && interval.low <= truth && truth <= interval.high) covered += 1;
    }
    // 95% nominal coverage; 40 trials put 30 or fewer in the far tail (p < 0.001).
    expect(covered).toBeGreaterThan(30);
  });

  it('computes each resample exactly as α of the drawn units would be (every level)', () => {
    const data = randomUnits(5, 60, 3, 5).map((unit, i) => (i % 4 === 0 ? unit.slice(0, 2) : unit.map((v) => v + 1)));
    for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
      for (const seed of [1, 2, 3]) {
        // One resample: the interval is that resample's α; draw the same units by hand with the same generator.
        const random = mulberry32(seed);
        const drawn = data.map(() => data[Math.floor(random() * data.length)] ?? []);
        const expected = krippendorffAlpha(drawn, { level }).alpha ?? Number.NaN;
        const interval = bootstrapAlpha(
          data.map((unit) => [unit]),
          { level, seed, resamples: 1 },
        );
        expect(interval?.low).toBeCloseTo(expected, 10);
        expect(interval?.high).toBeCloseTo(expected, 10);
      }
    }
  });

  it('has nothing to say about fewer than two pairable units', () => {
    expect(bootstrapAlpha([[[1, 2]], [[3]]], { level: 'nominal' })).toBeNull();
  });

  it('interpolates percentiles like R type 7', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.025)).toBeCloseTo(11, 12);
    expect(quantile([10, 20, 30, 40, 50], 0.975)).toBeCloseTo(49, 12);
  });
});

describe('level checks', () => {
  it('refuses words at the interval level and ordinal words without an order, naming the value', () => {
    expect(() => krippendorffAlpha([['good', 'bad']], { level: 'interval' })).toThrow(/"good" is not one/);
    expect(() => krippendorffAlpha([['good', 'bad']], { level: 'ordinal' })).toThrow(/order to rank "good"/);
    expect(() => krippendorffAlpha([[-1, 2]], { level: 'ratio' })).toThrow(/zero or more/);
  });

  it('says why α is undefined: no pairs, or no variation', () => {
    expect(krippendorffAlpha([[1], [2]], { level: 'nominal' }).undefinedReason).toBe('no pairable values');
    expect(
      krippendorffAlpha(
        [
          [1, 1],
          [1, 1],
        ],
        { level: 'nominal' },
      ).undefinedReason,
    ).toBe('no variation');
  });
});
