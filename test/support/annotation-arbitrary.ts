import fc from 'fast-check';
import type { Annotation, Metadata, RubricAnswers } from '../../shared/index.ts';

/**
 * fast-check generators of valid records (every one passes `annotationSchema`; the property tests check
 * that too), small enough to run thousands of cases: short texts, but every field and every optional
 * part (reasoning, rubric, variant, metadata of each scalar type, tombstones) is exercised.
 */

const slug = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,11}$/);
/** Text with what breaks naive code: quotes, backslashes, controls, astral characters, lone surrogates. */
const text = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.constantFrom('', '"', '\\', '\u0000', '\u2028', '\uD800', '😀', '<script>'),
  );
const id = fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 40 }));
/** An ISO instant between 2020 and 2030, with a Z or an offset. */
const instant = fc
  .tuple(fc.integer({ min: 1_577_836_800_000, max: 1_893_456_000_000 }), fc.constantFrom('Z', '+02:00', '-05:30'))
  .map(([ms, zone]) => {
    const iso = new Date(ms).toISOString();
    return zone === 'Z' ? iso : `${iso.slice(0, -1)}${zone}`;
  });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

export const metadataArbitrary: fc.Arbitrary<Metadata> = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.oneof(text(30), finite, fc.integer(), fc.boolean(), fc.constant(null)),
  { maxKeys: 8 },
);

const rubricArbitrary: fc.Arbitrary<RubricAnswers> = fc.record({
  version: fc.integer({ min: 1, max: 50 }),
  answers: fc.dictionary(slug, fc.oneof(fc.boolean(), finite, text(20)), { maxKeys: 5 }),
});

const variantArbitrary = fc
  .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 }), fc.option(id, { nil: null }))
  .map(([index, extra, group]) => ({ index, count: index + extra, group }));

export const annotationArbitrary: fc.Arbitrary<Annotation> = fc
  .record(
    {
      id: fc.uuid(),
      site: slug,
      conversationId: id,
      messageId: id,
      model: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
      modelSource: fc.constantFrom('message', 'model-picker', 'unknown'),
      context: fc.array(
        fc.record({ role: fc.constantFrom('system', 'user', 'assistant', 'tool'), content: text(40) }),
        { maxLength: 4 },
      ),
      response: text(60),
      reasoning: text(30),
      variant: fc.option(variantArbitrary, { nil: null }),
      thumb: fc.constantFrom('up', 'down', null),
      score: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
      comment: text(40),
      tags: fc.array(
        fc.string({ minLength: 1, maxLength: 10 }).filter((tag) => tag.trim() === tag && tag !== ''),
        {
          maxLength: 4,
        },
      ),
      correction: fc.option(text(30), { nil: null }),
      rubric: rubricArbitrary,
      metadata: metadataArbitrary,
      annotator: fc.string({ minLength: 1, maxLength: 12 }).filter((name) => name.trim() === name && name !== ''),
      createdAt: instant,
      updatedAt: instant,
      deletedAt: fc.option(instant, { nil: null, freq: 4 }),
      revision: fc.integer({ min: 1, max: 1000 }),
    },
    { requiredKeys: ['id', 'site', 'conversationId', 'messageId', 'model', 'modelSource', 'context', 'response'] },
  )
  .map((parts) => {
    const { site, conversationId, messageId } = parts;
    return {
      schemaVersion: 2,
      key: `${site}:${conversationId}:${messageId}`,
      url: `https://example.com/c/${encodeURIComponent(conversationId)}`,
      variant: null,
      thumb: null,
      score: null,
      comment: '',
      tags: [],
      correction: null,
      metadata: {},
      annotator: 'ada',
      createdAt: '2026-11-01T10:00:00.000Z',
      updatedAt: '2026-11-01T10:00:00.000Z',
      deletedAt: null,
      revision: 1,
      ...parts,
    } as Annotation;
  });

/** A small deterministic generator (mulberry32), so a property can draw many choices from one seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The same value with the keys of every object, at every depth, in another order drawn from `random`. */
export function shuffleKeysDeep<T>(value: T, random: () => number): T {
  if (Array.isArray(value)) return value.map((item) => shuffleKeysDeep(item, random)) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  for (let index = entries.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [entries[index], entries[other]] = [entries[other] as [string, unknown], entries[index] as [string, unknown]];
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, shuffleKeysDeep(item, random)])) as T;
}
