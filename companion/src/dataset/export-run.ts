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
  /** The same annotations a page at a time (every store has it): one await per page, not per annotation. */
  iterateAnnotationPages?(options?: {
    includeDeleted?: boolean;
    order?: 'sequence' | 'conversation';
  }): AsyncIterable<readonly Annotation[]>;
  iterateComparisons(options?: { includeDeleted?: boolean }): AnyIterable<Comparison>;
  /** Absent on a source without conversation ratings: every conversation is then unrated. */
  iterateConversationRatings?(options?: { includeDeleted?: boolean }): AnyIterable<ConversationRating>;
}

/**
 * The one way the CLI and the HTTP route run an export, so both give the same bytes. `onAnnotations`
 * hears how many annotations were read, a page at a time (a progress bar).
 */
export function exportFromStore(
  store: ExportSource,
  options: ExportOptions,
  onAnnotations?: (count: number) => void,
): ExportRun {
  const annotations: AnyIterable<Annotation | readonly Annotation[]> = store.iterateAnnotationPages
    ? store.iterateAnnotationPages({ order: 'conversation' })
    : store.iterateAnnotations({ order: 'conversation' });
  return exportDataset(
    onAnnotations ? counting(annotations, onAnnotations) : annotations,
    store.iterateComparisons(),
    options,
    store.iterateConversationRatings?.() ?? [],
  );
}

async function* counting(
  items: AnyIterable<Annotation | readonly Annotation[]>,
  onRead: (count: number) => void,
): AsyncGenerator<Annotation | readonly Annotation[]> {
  for await (const item of items) {
    onRead(Array.isArray(item) ? item.length : 1);
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
