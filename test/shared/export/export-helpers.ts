import { collectExport, type ExportSummary, exportDataset } from '../../../shared/export/index.ts';
import {
  type Annotation,
  type Comparison,
  type ExportOptionsInput,
  exportOptionsSchema,
} from '../../../shared/index.ts';
import { annotations as fixtureAnnotations, comparisons as fixtureComparisons } from './fixture.ts';

/** Runs the engine over (by default) the golden fixture; returns each file's text and the summary. */
export async function runExport(
  input: ExportOptionsInput,
  annotations: Annotation[] = fixtureAnnotations,
  comparisons: Comparison[] = fixtureComparisons,
): Promise<{ train: string; validation: string; trainMeta: string; validationMeta: string; summary: ExportSummary }> {
  const run = exportDataset(annotations, comparisons, exportOptionsSchema.parse(input));
  const files = await collectExport(run);
  return {
    train: files.train.lines,
    validation: files.validation.lines,
    trainMeta: files.train.meta,
    validationMeta: files.validation.meta,
    summary: run.summary(),
  };
}

export const parseJsonl = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
