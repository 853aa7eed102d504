import { describe, expect, it } from 'vitest';
import { annotationSource, EXPORT_SOURCES } from '../../../shared/export/index.ts';
import { exportOptionsSchema } from '../../../shared/index.ts';
import { makeAnnotation } from '../../support/annotation-factory.ts';
import { parseJsonl, runExport } from './export-helpers.ts';

const review = makeAnnotation({
  site: 'review',
  conversationId: 'rev-9',
  messageId: 'rev-9',
  response: '{"name":"Ada"}\n{"name":"Bob"}',
  thumb: 'up',
  score: null,
  metadata: { review_id: 'rev-9', review_status: 'approved' },
});
const logged = makeAnnotation({ site: 'api', conversationId: 'trace-9', response: 'Logged answer.', thumb: 'up' });
const imported = makeAnnotation({
  conversationId: 'imported-1',
  response: 'Imported answer.',
  metadata: { source: 'chatgpt-export' },
});
const captured = makeAnnotation({ conversationId: 'captured-1', response: 'Captured answer.', metadata: {} });
const all = [captured, review, logged, imported];

const targets = (train: string) =>
  parseJsonl(train).map((row) => {
    const messages = row.messages as { content: string }[];
    return messages[messages.length - 1]?.content;
  });

describe('export sources', () => {
  it('names the source of each annotation: capture, review, api or import', () => {
    expect(all.map(annotationSource)).toEqual(['capture', 'review', 'api', 'import']);
    expect(EXPORT_SOURCES).toEqual(['capture', 'review', 'api', 'import']);
    // Metadata the extension writes is not an import marker.
    expect(annotationSource(makeAnnotation({ metadata: { capturedFrom: 'hover' } }))).toBe('capture');
  });

  it('exports chat captures only by default: an approved review is no chat SFT example', async () => {
    const out = await runExport({ format: 'trl-sft' }, all, []);
    expect(targets(out.train)).toEqual(['Captured answer.']);
    expect(out.summary.sources).toEqual({ included: ['capture'], excluded: { review: 1, api: 1, import: 1 } });
    expect(out.summary.skipped['source-not-selected']).toBe(3);
    expect(out.train).not.toContain('"name"');
  });

  it('includes the other sources when asked, by name, from a list or a comma-separated string', async () => {
    const some = await runExport({ format: 'trl-sft', source: 'capture,review' }, all, []);
    expect(targets(some.train)).toEqual(['Captured answer.', review.response]);
    expect(some.summary.sources).toEqual({ included: ['capture', 'review'], excluded: { api: 1, import: 1 } });
    const every = await runExport({ format: 'trl-sft', source: ['import', 'api', 'review', 'capture'] }, all, []);
    expect(targets(every.train)).toHaveLength(4);
    expect(every.summary.skipped['source-not-selected']).toBeUndefined();
    const importsOnly = await runExport({ format: 'trl-sft', source: 'import' }, all, []);
    expect(targets(importsOnly.train)).toEqual(['Imported answer.']);
  });

  it('refuses an unknown source with a suggestion', () => {
    const result = exportOptionsSchema.safeParse({ format: 'trl-sft', source: 'capture,reviews' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('unknown source "reviews" (did you mean "review"?)');
  });
});
