import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json.ts';
import { annotationArbitrary, seededRandom, shuffleKeysDeep } from '../support/annotation-arbitrary.ts';

/**
 * The definition, written the plain way (Margin's first implementation): the one in shared/ builds the
 * same text by appending to a string, for speed, and must never write anything else.
 */
function reference(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) as string | undefined;
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') return reference(json.call(value));
  if (Array.isArray(value)) return `[${value.map((item) => reference(item) ?? 'null').join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const item = reference((value as Record<string, unknown>)[key]);
    if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
  }
  return `{${parts.join(',')}}`;
}

const RUNS = { seed: 17_2, numRuns: 500 } as const;

/** JSON values plus what JSON.stringify treats specially: undefined (left out, or null in a list), toJSON, -0. */
const valueArbitrary = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constantFrom(undefined, -0, 1e21, '\u2028', '😀', new Date(0)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('canonicalJson', () => {
  it('writes exactly what the plain definition writes, for any value', () => {
    fc.assert(
      fc.property(valueArbitrary, (value) => {
        expect(canonicalJson(value)).toBe(reference(value) ?? 'null');
      }),
      RUNS,
    );
  });

  it('writes exactly what the plain definition writes for any valid annotation, in any key order', () => {
    fc.assert(
      fc.property(annotationArbitrary, fc.integer(), (annotation, seed) => {
        const shuffled = shuffleKeysDeep(annotation, seededRandom(seed));
        expect(canonicalJson(shuffled)).toBe(reference(annotation));
      }),
      { ...RUNS, numRuns: 200 },
    );
  });
});
