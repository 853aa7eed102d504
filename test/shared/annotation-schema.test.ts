import { describe, expect, it } from 'vitest';
import { annotationSchema, LIMITS, toApiIssues } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';

const base = makeAnnotation();

describe('annotationSchema accepts', () => {
  it.each([
    ['a complete annotation', {}],
    ['no rating at all', { thumb: null, score: null }],
    ['score 0', { score: 0 }],
    ['score 100', { score: 100 }],
    ['an unknown model', { model: null, modelSource: 'unknown' }],
    ['a variant 2/3', { variant: { index: 2, count: 3, group: 'g1' } }],
    ['a tombstone', { deletedAt: '2026-11-02T00:00:00.000Z' }],
    ['a timestamp with offset', { createdAt: '2026-11-01T10:00:00+02:00' }],
    ['tool and system turns', { context: [{ role: 'tool', content: '{}' }] }],
    ['scalar metadata', { metadata: { trace_id: 't-1', chain_id: 'c', user_id: 7, ok: true, none: null } }],
    ['the longest comment', { comment: 'x'.repeat(LIMITS.commentChars) }],
    ['the longest response', { response: 'x'.repeat(LIMITS.textChars) }],
    ['the most tags', { tags: Array.from({ length: LIMITS.tags }, (_, i) => `t${i}`) }],
    ['visible reasoning', { reasoning: 'First, the pin.\n\nThen the LED.' }],
    ['unicode text', { response: 'مرحبا 👋\u2028line', comment: '"quoted"\nnewline' }],
  ])('%s', (_name, overrides) => {
    const result = annotationSchema.safeParse({ ...base, ...overrides });
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });
});

describe('annotationSchema rejects, naming the field', () => {
  it.each([
    ['score above 100', { score: 101 }, 'score'],
    ['score below 0', { score: -1 }, 'score'],
    ['fractional score', { score: 50.5 }, 'score'],
    ['unknown thumb', { thumb: 'sideways' }, 'thumb'],
    ['unknown role in context', { context: [{ role: 'robot', content: 'hi' }] }, 'context.0.role'],
    ['unknown key in a context turn', { context: [{ role: 'user', content: 'hi', name: 'x' }] }, 'context.0'],
    ['too long comment', { comment: 'x'.repeat(LIMITS.commentChars + 1) }, 'comment'],
    ['too long response', { response: 'x'.repeat(LIMITS.textChars + 1) }, 'response'],
    ['too long correction', { correction: 'x'.repeat(LIMITS.textChars + 1) }, 'correction'],
    ['too many tags', { tags: Array.from({ length: LIMITS.tags + 1 }, (_, i) => `t${i}`) }, 'tags'],
    ['too long tag', { tags: ['x'.repeat(LIMITS.tagChars + 1)] }, 'tags.0'],
    ['empty tag', { tags: ['  '] }, 'tags.0'],
    [
      'too many context turns',
      { context: Array(LIMITS.contextMessages + 1).fill({ role: 'user', content: '' }) },
      'context',
    ],
    ['nested metadata', { metadata: { trace: { id: 1 } } }, 'metadata.trace'],
    [
      'too many metadata keys',
      { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) },
      'metadata',
    ],
    // Version 1 is upgraded (upgradeAnnotation) before validation, never accepted as it is.
    ['an older schema version', { schemaVersion: 1 }, 'schemaVersion'],
    ['a newer schema version', { schemaVersion: 3 }, 'schemaVersion'],
    ['a javascript: url', { url: 'javascript:alert(1)' }, 'url'],
    ['a site that is not a slug', { site: 'Chat GPT' }, 'site'],
    ['an empty annotator', { annotator: ' ' }, 'annotator'],
    ['a date without time', { createdAt: '2026-11-01' }, 'createdAt'],
    ['revision 0', { revision: 0 }, 'revision'],
    ['variant index past count', { variant: { index: 4, count: 3, group: null } }, 'variant.index'],
    ['a missing field', { response: undefined }, 'response'],
    ['an unknown key', { surprise: true }, '(root)'],
  ])('%s', (_name, overrides, path) => {
    const result = annotationSchema.safeParse({ ...base, ...overrides });
    expect(result.success).toBe(false);
    const paths = toApiIssues(result.error ?? expect.fail('expected an error')).map((issue) => issue.path);
    expect(paths).toContain(path);
  });

  it('says which unknown key it rejected', () => {
    const result = annotationSchema.safeParse({ ...base, surprise: true });
    expect(result.error?.issues[0]?.message).toContain('surprise');
  });
});
