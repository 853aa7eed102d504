import { describe, expect, it } from 'vitest';
import { exportOptionsSchema } from '../../../shared/index.ts';
import { runExport } from './export-helpers.ts';

describe('filter values nothing has', () => {
  it('are reported with the values they most likely meant (the data’s own facets)', async () => {
    const out = await runExport({ format: 'trl-sft', site: 'chatgtp' });
    expect(out.summary.examplesWritten).toBe(0);
    expect(out.summary.unknownValues).toEqual([{ option: 'site', value: 'chatgtp', suggestions: ['chatgpt'] }]);
    expect(out.summary.warnings).toContain('no annotation has site "chatgtp" (did you mean "chatgpt"?)');
  });

  it('are checked for model, annotator and tags too, and known values pass', async () => {
    const out = await runExport({
      format: 'raw',
      site: 'chatgpt,claude',
      model: 'claude-opsu',
      annotator: 'Ada,bobb',
      tag: 'routr',
    });
    expect(out.summary.unknownValues).toEqual([
      { option: 'model', value: 'claude-opsu', suggestions: ['claude-opus'] },
      { option: 'annotator', value: 'Ada', suggestions: ['ada'] },
      { option: 'annotator', value: 'bobb', suggestions: ['bob'] },
      { option: 'tag', value: 'routr', suggestions: ['router'] },
    ]);
    expect((await runExport({ format: 'raw', site: 'claude', annotator: 'ada' })).summary.unknownValues).toEqual([]);
  });

  it('count a value known when only another source has it (the source option, not a typo, hides it)', async () => {
    const out = await runExport({ format: 'trl-sft', site: 'review' });
    expect(out.summary.unknownValues).toEqual([]);
    expect(out.summary.skipped['source-not-selected']).toBeGreaterThan(0);
  });
});

describe('the format option', () => {
  it('suggests registry ids for a bare or misspelt format', () => {
    const message = (format: string) =>
      exportOptionsSchema.safeParse({ format }).error?.issues.find((issue) => issue.path[0] === 'format')?.message;
    expect(message('dpo')).toMatch(/^unknown format "dpo" \(did you mean .*"openai-dpo".*"trl-dpo"/);
    expect(message('trl-dop')).toContain('did you mean "trl-dpo"?');
    expect(message('sharegtp')).toContain('did you mean "sharegpt"');
    expect(exportOptionsSchema.safeParse({}).error?.issues[0]?.message).toMatch(/^choose a format: openai-sft, /);
  });
});
