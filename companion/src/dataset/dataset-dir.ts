import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ExportRecord,
  type ExportSummary,
  exportFileKind,
  exportFormatDefinition,
  exportParquetSchema,
  type SplitName,
} from '../../../shared/export/index.ts';
import type { ExportOptions } from '../../../shared/index.ts';
import { datasetCard } from './dataset-card.ts';
import { AtomicFile, type ExportLayout, writeExportFiles } from './export-files.ts';

/** The card's path for a split's data file, relative to the folder: `data/train.jsonl`. */
export const datasetDataFile = (split: SplitName, extension: string) => `data/${split}.${extension}`;

/**
 * `margin export … --dataset-dir DIR`: a folder ready for the Hugging Face Hub. The data files per
 * split in `DIR/data/`, the sidecars in `DIR/provenance/` (kept local: they name annotators), and a
 * `README.md` dataset card naming the data files. Every file is written atomically, the card last.
 */
export async function writeDatasetDir(
  dir: string,
  options: ExportOptions,
  batches: AsyncIterable<ExportRecord[]>,
  summary: () => ExportSummary,
  settings: {
    license: string;
    onLines: (lines: number) => void;
    /** As writeExportFiles': throwing keeps every earlier file, the card included. */
    beforeCommit?: (summary: ExportSummary) => void;
  },
): Promise<{ summary: ExportSummary; files: string[] }> {
  const extension = exportFileKind(exportFormatDefinition(options.format));
  const splits: SplitName[] = options.split === undefined ? ['train'] : ['train', 'validation'];
  const layout: ExportLayout = { train: null, validation: null };
  for (const split of splits) {
    layout[split] = {
      lines: join(dir, datasetDataFile(split, extension)),
      meta: join(dir, 'provenance', `${split}.meta.jsonl`),
    };
  }
  await mkdir(join(dir, 'data'), { recursive: true });
  await mkdir(join(dir, 'provenance'), { recursive: true });
  const result = await writeExportFiles(
    layout,
    exportParquetSchema(options),
    batches,
    summary,
    settings.onLines,
    settings.beforeCommit,
  );
  const files = Object.fromEntries(splits.map((split) => [split, datasetDataFile(split, extension)]));
  const card = new AtomicFile(join(dir, 'README.md'));
  try {
    await card.open();
    card.append(datasetCard({ options, summary: result, files, license: settings.license }));
    await card.finish();
    await card.commit();
  } catch (error) {
    await card.discard();
    throw error;
  }
  return { summary: result, files: ['README.md', ...Object.values(files)] };
}
