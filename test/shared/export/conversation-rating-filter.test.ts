import { describe, expect, it } from 'vitest';
import { collectExport, exportDataset } from '../../../shared/export/index.ts';
import { type Annotation, exportOptionsSchema } from '../../../shared/index.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import { conversationRatings } from './conversation-rating-fixture.ts';
import { annotations, comparisons } from './fixture.ts';

const store = new MemoryStore(annotations, comparisons, conversationRatings);

async function run(input: Record<string, unknown>) {
  const exported = exportDataset(
    store.iterateAnnotations({ order: 'conversation' }),
    store.iterateComparisons(),
    exportOptionsSchema.parse(input),
    store.iterateConversationRatings(),
  );
  const files = await collectExport(exported);
  const lines = files.train.lines
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const meta = files.train.meta
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return { lines, meta, summary: exported.summary() };
}

const live = annotations.filter((a) => a.deletedAt === null && a.metadata.source === undefined);
const idsOf = (conversationId: string, annotator = 'ada') =>
  live.filter((a) => a.conversationId === conversationId && a.annotator === annotator).map((a) => a.id);

describe('--conversation-rating', () => {
  it('keeps only annotations whose conversation their annotator rated so, and counts the rest', async () => {
    const { lines, summary } = await run({ format: 'raw', conversationRating: 'good,unclear' });
    const kept = [...idsOf('c-misc'), ...idsOf('c-variants')];
    expect(kept.length).toBe(5);
    expect(lines.map((line: Annotation) => line.id).sort()).toEqual(kept.sort());
    const capture = live.filter((a) => a.site !== 'review' && a.site !== 'api');
    expect(summary.skipped['conversation-rating-not-selected']).toBe(capture.length - kept.length);
  });

  it('reads the latest live rating of each annotator: a withdrawn or older one does not count', async () => {
    const needsWork = await run({ format: 'raw', conversationRating: ['needs-work'] });
    expect(needsWork.lines.map((line: Annotation) => line.id)).toEqual(idsOf('c-multi'));
    const unrated = await run({ format: 'raw', conversationRating: 'unrated' });
    const unratedIds = unrated.lines.map((line: Annotation) => line.id);
    expect(unratedIds).toEqual(expect.arrayContaining([...idsOf('c-tie'), ...idsOf('c-variants', 'bob')]));
    expect(unratedIds).toEqual(expect.not.arrayContaining([...idsOf('c-variants'), ...idsOf('c-approved')]));
  });

  it('carries the rating in raw lines and in the sidecar of every format, and leaves unrated lines as stored', async () => {
    const { lines, meta } = await run({ format: 'raw' });
    const rated = lines.find((line: { conversationId: string }) => line.conversationId === 'c-variants');
    expect(rated.conversationRating).toEqual({
      rating: 'good',
      note: 'Reset steps are right.',
      tags: ['router'],
      annotator: 'ada',
      id: 'cr-1',
      updatedAt: '2026-11-02T09:00:00.000Z',
    });
    const plain = lines.find((line: { conversationId: string }) => line.conversationId === 'c-dup');
    expect(plain).toEqual(annotations.find((a) => a.id === plain.id));
    const metaOf = meta.find((entry) => entry.annotation_ids?.[0] === rated.id);
    expect(metaOf.conversation_ratings).toEqual([
      { site: 'chatgpt', conversation_id: 'c-variants', ...rated.conversationRating },
    ]);

    const sft = await run({ format: 'trl-sft', conversationRating: 'good' });
    expect(sft.lines.length).toBeGreaterThan(0);
    for (const entry of sft.meta.filter((m) => m.line !== undefined))
      expect(entry.conversation_ratings.map((r: { rating: string }) => r.rating)).toEqual(['good']);
  });

  it('refuses an unknown rating with the values it takes', () => {
    const parsed = exportOptionsSchema.safeParse({ format: 'raw', conversationRating: 'god' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(
      /unknown conversation rating "god".*good, needs-work, unclear, unrated/,
    );
  });
});
