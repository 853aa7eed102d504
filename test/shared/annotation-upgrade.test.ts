import { describe, expect, it } from 'vitest';
import {
  type AnnotationV1,
  annotationSchema,
  CAPTURE_COUNT_KEYS,
  CAPTURE_PARTIAL_KEY,
  completenessMetadata,
  isPartialCapture,
  LIMITS,
  readCompleteness,
  upgradeAnnotation,
  withoutCompleteness,
} from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';

function v1(overrides: Partial<AnnotationV1> = {}): AnnotationV1 {
  return { ...makeAnnotation(), schemaVersion: 1, ...overrides } as AnnotationV1;
}

describe('upgradeAnnotation (schema v1 to v2)', () => {
  it('turns a version-1 record into a valid version 2 with the same fields, in the same key order', () => {
    const old = v1({ comment: 'kept', tags: ['a'], metadata: { trace_id: 't-1' } });
    const upgraded = upgradeAnnotation(old);
    expect(annotationSchema.parse(upgraded)).toEqual(upgraded);
    expect(upgraded).toEqual({ ...old, schemaVersion: 2 });
    expect(Object.keys(upgraded)).toEqual(Object.keys(old));
    expect(old.schemaVersion).toBe(1); // the input is not changed
  });

  it('renames the version-1 count of unrendered context turns and flags the capture partial', () => {
    const upgraded = upgradeAnnotation(v1({ metadata: { before: 'x', contextMissingTurns: 3, after: 1 } }));
    expect(upgraded.metadata).toEqual({
      before: 'x',
      after: 1,
      [CAPTURE_COUNT_KEYS.unrenderedTurns]: 3,
      [CAPTURE_PARTIAL_KEY]: true,
    });
    expect(isPartialCapture(upgraded.metadata)).toBe(true);
  });

  it('keeps a full metadata valid: the count replaces the old key, and alone says the capture is partial', () => {
    const full = Object.fromEntries(Array.from({ length: LIMITS.metadataKeys - 1 }, (_, i) => [`k${i}`, i]));
    const upgraded = upgradeAnnotation(v1({ metadata: { ...full, contextMissingTurns: 2 } }));
    expect(annotationSchema.safeParse(upgraded).success).toBe(true);
    expect(upgraded.metadata[CAPTURE_PARTIAL_KEY]).toBeUndefined();
    expect(isPartialCapture(upgraded.metadata)).toBe(true);
  });

  it('leaves a contextMissingTurns that is not a positive whole number as it was', () => {
    for (const value of [0, -1, 1.5, 'three', null]) {
      const upgraded = upgradeAnnotation(v1({ metadata: { contextMissingTurns: value } }));
      expect(upgraded.metadata).toEqual({ contextMissingTurns: value });
    }
  });

  it('returns version 2 records and anything that is not a version-1 object untouched, for the schema to judge', () => {
    const current = makeAnnotation({ reasoning: 'thought' });
    expect(upgradeAnnotation(current)).toBe(current);
    for (const raw of [null, 'text', 42, [1], { schemaVersion: 3 }, { id: 'x' }]) {
      expect(upgradeAnnotation(raw)).toBe(raw);
    }
    // A version-1 shape that is broken stays broken after the upgrade: the schema still names the field.
    const broken = upgradeAnnotation({ ...v1(), score: 101 });
    expect(annotationSchema.safeParse(broken).error?.issues[0]?.path).toEqual(['score']);
  });

  it('is deterministic, so a replayed version-1 push hashes to the same version 2', () => {
    const old = v1({ metadata: { contextMissingTurns: 4 } });
    const canonical = (raw: unknown) => JSON.stringify(annotationSchema.parse(upgradeAnnotation(raw)));
    const shuffled = Object.fromEntries(Object.entries(old).reverse());
    expect(canonical(shuffled)).toBe(canonical(old));
    expect(canonical(JSON.parse(canonical(old)))).toBe(canonical(old));
  });
});

describe('reasoning (schema v2)', () => {
  it('is optional and bounded by LIMITS.textChars', () => {
    expect(annotationSchema.safeParse(makeAnnotation()).success).toBe(true);
    expect(annotationSchema.safeParse(makeAnnotation({ reasoning: 'r'.repeat(LIMITS.textChars) })).success).toBe(true);
    const tooLong = annotationSchema.safeParse(makeAnnotation({ reasoning: 'r'.repeat(LIMITS.textChars + 1) }));
    expect(tooLong.error?.issues[0]?.path).toEqual(['reasoning']);
    expect(annotationSchema.safeParse({ ...makeAnnotation(), reasoning: null }).success).toBe(false);
  });
});

describe('completeness metadata', () => {
  it('writes each count above 0, then capture.partial, and nothing for a complete capture', () => {
    expect(completenessMetadata({})).toEqual({});
    expect(completenessMetadata({ images: 0, unrenderedTurns: 0 })).toEqual({});
    expect(completenessMetadata({ images: 2, toolOutputs: 1 })).toEqual({
      'capture.images': 2,
      'capture.toolOutputs': 1,
      'capture.partial': true,
    });
  });

  it('reads back what it wrote, and removes only its own keys', () => {
    const counts = { unrenderedTurns: 5, images: 1, files: 2, artifacts: 3, toolOutputs: 4 };
    const metadata = { trace_id: 't', ...completenessMetadata(counts) };
    expect(readCompleteness(metadata)).toEqual(counts);
    expect(isPartialCapture(metadata)).toBe(true);
    expect(withoutCompleteness(metadata)).toEqual({ trace_id: 't' });
    expect(isPartialCapture({ trace_id: 't' })).toBe(false);
    expect(isPartialCapture({ 'capture.partial': 'yes' })).toBe(false);
  });
});
