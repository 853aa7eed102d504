import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { datasetCard, sizeCategory } from '../../companion/src/dataset/dataset-card.ts';
import { collectExport, exportDataset } from '../../shared/export/index.ts';
import { type ExportOptionsInput, exportOptionsSchema } from '../../shared/index.ts';
import { annotations, comparisons } from '../shared/export/fixture.ts';

async function card(input: ExportOptionsInput, license = 'other') {
  const options = exportOptionsSchema.parse(input);
  const run = exportDataset(annotations, comparisons, options);
  await collectExport(run);
  const files =
    options.split === undefined
      ? { train: 'data/train.jsonl' }
      : { train: 'data/train.jsonl', validation: 'data/validation.jsonl' };
  const text = datasetCard({ options, summary: run.summary(), files, license });
  const front = parse(/^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? '') as Record<string, unknown>;
  return { text, front };
}

describe('the dataset card', () => {
  it('sizes datasets in the Hub buckets', () => {
    expect([0, 999, 1000, 9_999, 10_000, 250_000, 5_000_000].map(sizeCategory)).toEqual([
      'n<1K',
      'n<1K',
      '1K<n<10K',
      '1K<n<10K',
      '10K<n<100K',
      '100K<n<1M',
      '1M<n<10M',
    ]);
  });

  it('keeps annotator names and the system prompt text out of a card meant for publishing', async () => {
    const { text } = await card({ format: 'trl-sft', annotator: ['ada', 'bob'], systemPrompt: 'Secret house style.' });
    expect(text).not.toMatch(/\bada\b|\bbob\b/);
    expect(text).not.toContain('Secret house style.');
    expect(text).toContain('annotators: 2 chosen');
    expect(text).toContain('a default system prompt filled in');
  });

  it('quotes what it writes so odd values still parse', async () => {
    const { front } = await card({ format: 'openai-rft', split: 0.5 }, 'cc-by-nc-sa-4.0: "odd"');
    expect(front.license).toBe('cc-by-nc-sa-4.0: "odd"');
    expect(front.configs).toEqual([
      {
        config_name: 'default',
        data_files: [
          { split: 'train', path: 'data/train.jsonl' },
          { split: 'validation', path: 'data/validation.jsonl' },
        ],
      },
    ]);
    expect(front.tags).toEqual(['margin', 'human-feedback', 'sft', 'openai-rft']);
  });

  it('states the reasoning mode and its count', async () => {
    const { text } = await card({ format: 'trl-sft', reasoning: 'field', reasoningField: 'thinking' });
    // The fixture has one approved response with captured reasoning.
    expect(text).toContain('- Reasoning: field (thinking), on 1 rows.');
    const { text: none } = await card({ format: 'openai-rft', reasoning: 'inline' });
    expect(none).toContain('## Warnings');
    expect(none).toContain('openai-rft has no place for reasoning');
  });
});
