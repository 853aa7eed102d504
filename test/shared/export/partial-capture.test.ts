import { describe, expect, it } from 'vitest';
import { type AnnotationV1, exportOptionsSchema, upgradeAnnotation } from '../../../shared/index.ts';
import { makeAnnotation } from '../../support/annotation-factory.ts';
import { parseJsonl, runExport } from './export-helpers.ts';
import { annotations } from './fixture.ts';

const partialIds = annotations.filter((a) => a.metadata['capture.partial'] === true).map((a) => a.id);

describe('partial captures in an export', () => {
  it('the fixture has one, so the counts below mean something', () => {
    expect(partialIds).toEqual(['ann-28']);
  });

  it('are kept by default, counted in the summary and flagged on their sidecar lines only', async () => {
    const result = await runExport({ format: 'trl-sft' });
    expect(result.summary.partialCaptures).toBe(1);
    expect(result.summary.skipped['partial-capture']).toBeUndefined();
    const meta = parseJsonl(result.trainMeta).filter((line) => !('summary' in line));
    const flagged = meta.filter((line) => line.partial === true);
    expect(flagged.map((line) => line.annotation_ids)).toEqual([['ann-28']]);
    expect(meta.filter((line) => 'partial' in line && line.partial !== true)).toEqual([]);
  });

  it('are dropped with skipPartial, under their own skip reason, and nothing else changes', async () => {
    const kept = await runExport({ format: 'trl-sft' });
    const skipped = await runExport({ format: 'trl-sft', skipPartial: true });
    expect(skipped.summary.partialCaptures).toBe(1);
    expect(skipped.summary.skipped['partial-capture']).toBe(1);
    expect(skipped.summary.examplesWritten).toBe(kept.summary.examplesWritten - 1);
    const ids = (meta: string) => parseJsonl(meta).flatMap((line) => (line.annotation_ids as string[]) ?? []);
    expect(ids(skipped.trainMeta)).toEqual(ids(kept.trainMeta).filter((id) => id !== 'ann-28'));
  });

  it('count only live annotations past the filters', async () => {
    const filtered = await runExport({ format: 'raw', site: 'claude' });
    expect(filtered.summary.partialCaptures).toBe(0);
    const gone = makeAnnotation({
      metadata: { 'capture.partial': true, 'capture.images': 1 },
      deletedAt: '2026-11-02T00:00:00.000Z',
    });
    expect((await runExport({ format: 'raw' }, [gone])).summary.partialCaptures).toBe(0);
  });

  it('include version-1 records that counted unrendered turns, once upgraded', async () => {
    const v1 = { ...makeAnnotation(), schemaVersion: 1, metadata: { contextMissingTurns: 3 } } as AnnotationV1;
    const result = await runExport({ format: 'raw', skipPartial: true }, [upgradeAnnotation(v1)]);
    expect(result.summary.skipped['partial-capture']).toBe(1);
    expect(result.train).toBe('');
  });

  it('parse skipPartial from the CLI, the query string and typed callers alike, off by default', () => {
    expect(exportOptionsSchema.parse({ format: 'raw' }).skipPartial).toBe(false);
    for (const value of [true, 'true', '1', 'yes']) {
      expect(exportOptionsSchema.parse({ format: 'raw', skipPartial: value }).skipPartial).toBe(true);
    }
    expect(exportOptionsSchema.parse({ format: 'raw', skipPartial: '' }).skipPartial).toBe(false);
    const bad = exportOptionsSchema.safeParse({ format: 'raw', skipPartial: 'sometimes' });
    expect(bad.error?.issues[0]?.path).toEqual(['skipPartial']);
  });
});
