import {
  type AnyIterable,
  type ExportRun,
  exportDataset,
  exportFileKind,
  exportFormatDefinition,
  type SplitName,
} from '../../../shared/export/index.ts';
import type { Annotation, Comparison, ConversationRating, ExportFormat, ExportOptions } from '../../../shared/index.ts';

/**
 * What an export reads. `order: 'conversation'` asks for each conversation's annotations together,
 * which the engine needs to pair variants with bounded memory; a store that ignores it still exports,
 * and the summary then warns about conversations that arrived in pieces.
 */
export interface ExportSource {
  iterateAnnotations(options?: {
    includeDeleted?: boolean;
    order?: 'sequence' | 'conversation';
  }): AnyIterable<Annotation>;
  iterateComparisons(options?: { includeDeleted?: boolean }): AnyIterable<Comparison>;
  /** Absent on a source without conversation ratings: every conversation is then unrated. */
  iterateConversationRatings?(options?: { includeDeleted?: boolean }): AnyIterable<ConversationRating>;
}

/** The one way the CLI and the HTTP route run an export, so both give the same bytes. */
export function exportFromStore(store: ExportSource, options: ExportOptions, onAnnotation?: () => void): ExportRun {
  const annotations = store.iterateAnnotations({ order: 'conversation' });
  return exportDataset(
    onAnnotation ? counting(annotations, onAnnotation) : annotations,
    store.iterateComparisons(),
    options,
    store.iterateConversationRatings?.() ?? [],
  );
}

async function* counting<T>(items: AnyIterable<T>, onItem: () => void): AsyncGenerator<T> {
  for await (const item of items) {
    onItem();
    yield item;
  }
}

/**
 * `margin-trl-dpo.jsonl`, `margin-verl-rl.validation.parquet`, `margin-trl-dpo.validation.meta.jsonl`,
 * …: the CLI's default names too. Sidecars are JSONL whatever the format.
 */
export function exportFileName(format: ExportFormat, part: SplitName | null, sidecar: boolean): string {
  const extension = sidecar ? 'meta.jsonl' : exportFileKind(exportFormatDefinition(format));
  return `margin-${format}${part ? `.${part}` : ''}.${extension}`;
}
