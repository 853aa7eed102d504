import { type ExportSummary, exportFormatDefinition, type SplitName } from '../../../shared/export/index.ts';
import type { ExportOptions } from '../../../shared/index.ts';

/** What the card describes: the export's options and counts, and the data file of each split (relative paths). */
export interface DatasetCardInput {
  options: ExportOptions;
  summary: ExportSummary;
  files: Partial<Record<SplitName, string>>;
  /** A Hub license id (`cc-by-4.0`, `mit`, …) or `other`. */
  license: string;
}

/** The Hub's size buckets, by number of rows. */
const SIZES: [number, string][] = [
  [1e3, 'n<1K'],
  [1e4, '1K<n<10K'],
  [1e5, '10K<n<100K'],
  [1e6, '100K<n<1M'],
  [1e7, '1M<n<10M'],
  [1e8, '10M<n<100M'],
];

export function sizeCategory(rows: number): string {
  return SIZES.find(([bound]) => rows < bound)?.[1] ?? '100M<n<1B';
}

const KIND_TAGS = { sft: ['sft'], pair: ['dpo', 'preference'], kto: ['kto'], raw: ['annotations'] } as const;
const KIND_TEXT = {
  sft: 'supervised examples: a prompt and the response a person approved or wrote',
  pair: 'preference pairs: a prompt with a chosen and a rejected response',
  kto: 'single responses labelled desirable (true) or undesirable (false)',
  raw: 'the annotations themselves, one per line',
} as const;

/** A YAML double-quoted scalar: JSON's string syntax is a subset of it. */
const yamlString = (value: string) => JSON.stringify(value);

/** Filters as the card states them: what was kept, without annotator names or the system prompt's text. */
function describeFilters(o: ExportOptions): string[] {
  const lines: string[] = [];
  if (o.site) lines.push(`sites: ${o.site.join(', ')}`);
  if (o.model) lines.push(`models: ${o.model.join(', ')}`);
  if (o.annotator) lines.push(`annotators: ${o.annotator.length} chosen`);
  if (o.tag) lines.push(`tags (any): ${o.tag.join(', ')}`);
  if (o.excludeTag) lines.push(`tags left out: ${o.excludeTag.join(', ')}`);
  if (o.conversationRating) lines.push(`conversations rated: ${o.conversationRating.join(', ')}`);
  if (o.since) lines.push(`created at or after ${o.since}`);
  if (o.until) lines.push(`created before ${o.until}`);
  if (o.minScore !== undefined) lines.push(`score at least ${o.minScore}`);
  if (o.maxScore !== undefined) lines.push(`score at most ${o.maxScore}`);
  if (o.hasComment !== undefined) lines.push(o.hasComment ? 'with a comment' : 'without a comment');
  if (o.hasCorrection !== undefined) lines.push(o.hasCorrection ? 'with a correction' : 'without a correction');
  return lines;
}

/**
 * The dataset card (README.md) of a `--dataset-dir` folder: YAML front matter the Hub reads
 * (license, task category, size, and `configs` naming each split's file, so `load_dataset` finds
 * them), then how the data was made, its counts, its skips and how to load it.
 */
export function datasetCard({ options, summary, files, license }: DatasetCardInput): string {
  const format = exportFormatDefinition(options.format);
  const tags = ['margin', 'human-feedback', ...KIND_TAGS[format.kind], options.format];
  const splits = (['train', 'validation'] as const).filter((split) => files[split] !== undefined);
  const front = [
    '---',
    `license: ${yamlString(license)}`,
    `pretty_name: ${yamlString(`Margin ${options.format} export`)}`,
    'task_categories:',
    '- text-generation',
    'tags:',
    ...tags.map((tag) => `- ${yamlString(tag)}`),
    'size_categories:',
    `- ${yamlString(sizeCategory(summary.examplesWritten))}`,
    'configs:',
    '- config_name: default',
    '  data_files:',
    ...splits.flatMap((split) => [`  - split: ${split}`, `    path: ${yamlString(files[split] ?? '')}`]),
    '---',
  ];
  const o = options;
  const filters = describeFilters(o);
  const skipped = Object.entries(summary.skipped).sort(([, a], [, b]) => b - a);
  const body = [
    `# Margin ${options.format} export`,
    '',
    `Human judgements of LLM chat responses, exported by Margin as \`${options.format}\`: ${KIND_TEXT[format.kind]}.`,
    '',
    `Each row: ${format.explain}`,
    '',
    '## Files',
    '',
    '| split | file | rows |',
    '| --- | --- | --- |',
    ...splits.map((split) => `| ${split} | \`${files[split]}\` | ${summary.lines[split]} |`),
    '',
    'The sidecar (`provenance/`: annotators, comments, scores and sources of every row) stays in the',
    'local folder: `margin publish` uploads only this card and the files above.',
    '',
    '## How it was made',
    '',
    `- Filters: ${filters.length > 0 ? filters.join('; ') : 'none (every live annotation)'}.`,
    `- Thresholds: supervised score >= ${o.sftMinScore}; pair score gap >= ${o.pairMinGap}; KTO desirable >= ${o.ktoDesirableMin}, undesirable <= ${o.ktoUndesirableMax}.`,
    `- Duplicate rows ${o.dedup ? 'dropped' : 'kept'}; ${o.split === undefined ? 'no validation split' : `${o.split} of conversations in train (by a hash of each conversation)`}.`,
    `- PII redaction ${o.redactPii ? `on (${summary.redactions.total} replacements)` : 'off'}; ${o.systemPrompt ? 'a default system prompt filled in where a conversation had none' : 'system prompts as captured'}.`,
    `- Reasoning: ${o.reasoning === 'none' ? 'left out' : `${o.reasoning}${o.reasoning === 'field' ? ` (${o.reasoningField ?? 'reasoning_content'})` : ''}, on ${summary.reasoningLines} rows`}.`,
    `- Read ${summary.annotationsRead} annotations and ${summary.comparisonsRead} comparisons; wrote ${summary.examplesWritten} rows${summary.pairs > 0 ? ` (${summary.pairs} pairs)` : ''}${summary.labels.desirable + summary.labels.undesirable > 0 ? ` (${summary.labels.desirable} desirable, ${summary.labels.undesirable} undesirable)` : ''}.`,
    '',
    'The rules are the ones `margin export --explain` prints (docs/export.md in the Margin repository).',
    '',
    '## Skipped',
    '',
    ...(skipped.length > 0
      ? ['| reason | count |', '| --- | --- |', ...skipped.map(([reason, count]) => `| ${reason} | ${count} |`)]
      : ['Nothing was skipped.']),
    ...(summary.warnings.length > 0 ? ['', '## Warnings', '', ...summary.warnings.map((w) => `- ${w}`)] : []),
    '',
    '## Load it',
    '',
    '```python',
    'from datasets import load_dataset',
    '',
    '# from the Hub, once published with `margin publish DIR --repo OWNER/NAME`',
    'dataset = load_dataset("OWNER/NAME")',
    '# or from this folder',
    'dataset = load_dataset("path/to/this/folder")',
    `print(dataset["${splits[0] ?? 'train'}"][0])`,
    '```',
    '',
  ];
  return `${front.join('\n')}\n\n${body.join('\n')}`;
}
