import { describe, expect, it } from 'vitest';
import type { Annotation, Comparison } from '../../../shared/index.ts';
import { makeAnnotation } from '../../support/annotation-factory.ts';
import { parseJsonl, runExport } from './export-helpers.ts';

const context = [{ role: 'user' as const, content: 'Which port does SSH use?' }];
const GOOD = 'Port 22.';
const BAD = 'Port 80.';

function variants(): [Annotation, Annotation] {
  return [
    makeAnnotation({ conversationId: 'ssh', messageId: 'a', context, response: GOOD, thumb: 'up', score: null }),
    makeAnnotation({ conversationId: 'ssh', messageId: 'b', context, response: BAD, thumb: 'down', score: null }),
  ];
}

function comparison(a: Annotation, b: Annotation, winner: 'a' | 'b'): Comparison {
  return {
    schemaVersion: 1,
    id: `cmp-${a.id}-${winner}`,
    a: a.id,
    b: b.id,
    winner,
    annotator: 'ada',
    createdAt: '2026-11-01T11:00:00.000Z',
    updatedAt: '2026-11-01T11:00:00.000Z',
    deletedAt: null,
    revision: 1,
  };
}

const chosenOf = (row: Record<string, unknown>) => (row.chosen as { content: string }[])[0]?.content;

describe('a pair both thumbs and an explicit comparison give', () => {
  it('is written once, with the comparison as its basis and id in the sidecar', async () => {
    const [a, b] = variants();
    const cmp = comparison(a, b, 'a');
    const out = await runExport({ format: 'trl-dpo' }, [a, b], [cmp]);
    const rows = parseJsonl(out.train);
    expect(rows.map(chosenOf)).toEqual([GOOD]);
    const [meta] = parseJsonl(out.trainMeta);
    expect(meta).toMatchObject({ basis: 'comparison', comparison_id: cmp.id, annotation_ids: [a.id, b.id] });
    // The thumbs pair of the same two responses adds nothing.
    expect(out.summary.skipped['pair-decided-by-comparison']).toBe(1);
    expect(out.summary.skipped.duplicate).toBeUndefined();
  });

  it('follows the comparison when the thumbs disagree with it', async () => {
    const [a, b] = variants();
    const out = await runExport({ format: 'trl-dpo' }, [a, b], [comparison(a, b, 'b')]);
    expect(parseJsonl(out.train).map(chosenOf)).toEqual([BAD]);
    expect(parseJsonl(out.trainMeta)[0]?.basis).toBe('comparison');
  });

  it('still pairs by thumbs when nobody compared the two', async () => {
    const out = await runExport({ format: 'trl-dpo' }, variants(), []);
    expect(parseJsonl(out.trainMeta).map((meta) => meta.basis)).toEqual(['thumbs']);
  });
});
