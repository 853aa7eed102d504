import type { Annotation } from '../annotation.ts';
import { isPartialCapture } from '../capture-completeness.ts';
import type { Comparison } from '../comparison.ts';
import {
  type ConversationRating,
  conversationKey,
  conversationRatingIndexKey,
  indexConversationRatings,
} from '../conversation-rating.ts';
import type { ExportOptions } from '../export-options.ts';
import { attachReasoning } from './attach-reasoning.ts';
import { ComparisonPairing } from './comparison-pairing.ts';
import type { Candidate, CandidateSink, Example } from './example.ts';
import { FilterValueCheck, unknownValueWarning } from './filter-values.ts';
import { exportFormatDefinition } from './formats/index.ts';
import { hash53, unitInterval } from './hash.ts';
import { NumberSet } from './number-set.ts';
import type { ParquetSchema } from './parquet-schema.ts';
import { reasoningOf, reasoningWarning } from './reasoning.ts';
import { redactAnnotation } from './redact.ts';
import { correctionOf, ktoRows, passesFilters, preparePrompt, sftTarget } from './rules.ts';
import { type ExportSummary, emptySummary, metaLine, type Provenance, type SplitName } from './sidecar.ts';
import { annotationSource } from './sources.ts';
import { variantPairs } from './variant-pairing.ts';

export type AnyIterable<T> = AsyncIterable<T> | Iterable<T>;

/**
 * Lines handed over per batch. Each line holds its source annotation until written, so a batch lives
 * through several young-generation collections: smaller batches are promoted less (peak RSS, see
 * CURSOR_ROWS in the PostgreSQL store) and cost nothing measurable in speed.
 */
const BATCH_RECORDS = 128;

/** One output line: the JSONL text (with its `\n`), which file it belongs to, and its sidecar line. */
export interface ExportRecord {
  split: SplitName;
  line: string;
  /** The sidecar line, built when read (read it once). */
  readonly meta: string;
  /**
   * The line as a value (what `line` is the JSON text of), for formats written as Parquet: their rows
   * are built from it, not from the text parsed again. Absent for JSONL formats.
   */
  value?: unknown;
  /** What the line was built from, for a preview that shows it in words; null for raw (its source is the annotation). */
  example: Example | null;
  provenance: Provenance;
}

/** What a caller adds to a run that reads other records than annotations (a campaign queue). */
export interface ExportHooks {
  /** More keys for a line's sidecar entry. */
  sidecar?(provenance: Provenance): Record<string, unknown> | undefined;
  /** Runs once every input is read, before the summary is handed out (skips counted before the engine). */
  finish?(summary: ExportSummary): void;
}

export interface ExportRun {
  /** The lines, in a deterministic order (the order of the input). Iterate once: this or `batches`. */
  records: AsyncIterable<ExportRecord>;
  /** The same lines in arrays of up to a few hundred: cheaper to consume for large exports. */
  batches: AsyncIterable<ExportRecord[]>;
  /** Complete once `records` has been iterated to the end. */
  summary(): ExportSummary;
}

/**
 * Streams a dataset out of annotations (and, for preference formats, comparisons).
 *
 * Memory: comparisons are read first and kept (one small record each); annotations are read one
 * conversation at a time, so each conversation's annotations must arrive adjacently (the store's
 * `order: 'conversation'`). Beyond the largest conversation, it keeps 16 bytes per written line
 * (dedup), 16 bytes per conversation (a check that conversations are adjacent) and the annotations
 * of comparisons whose other side has not arrived yet.
 */
export function exportDataset(
  annotations: AnyIterable<Annotation | readonly Annotation[]>,
  comparisons: AnyIterable<Comparison>,
  options: ExportOptions,
  conversationRatings: AnyIterable<ConversationRating> = [],
  hooks: ExportHooks = {},
): ExportRun {
  const format = exportFormatDefinition(options.format);
  const kind = format.kind;
  const summary = emptySummary(options.format, options.source);
  const filterValues = new FilterValueCheck(options);
  const skip = (reason: string, count = 1) => {
    summary.skipped[reason] = (summary.skipped[reason] ?? 0) + count;
  };
  const written = new NumberSet();
  const out: ExportRecord[] = [];
  const seenConversations = new NumberSet();
  let splitConversations = 0;
  const comparisonPairing = new ComparisonPairing();
  const reasoningField = options.reasoningField ?? 'reasoning_content';
  let ratings = new Map<string, ConversationRating>();
  const ratingOf = (annotation: Annotation) =>
    ratings.get(
      conversationRatingIndexKey(conversationKey(annotation.site, annotation.conversationId), annotation.annotator),
    );
  const reasoningProblem = reasoningWarning(format.id, format.reasoning, options.reasoning);
  if (reasoningProblem !== null) summary.warnings.push(reasoningProblem);

  function splitOf(annotation: Annotation): SplitName {
    if (options.split === undefined) return 'train';
    return unitInterval(`${annotation.site}\u0000${annotation.conversationId}`) < options.split
      ? 'train'
      : 'validation';
  }

  /**
   * Writes one line (unless dedup drops it) and its sidecar line; the first source picks the split.
   * Dedup and the example id look at the row before `place` fills in its position.
   */
  function write(value: unknown, example: Example | null, provenance: Provenance, carriesReasoning: boolean): void {
    const lineKind = example?.kind ?? 'raw';
    const label = example?.kind === 'kto' ? example.label : undefined;
    const text = JSON.stringify(value);
    const hash = hash53(text);
    if (options.dedup && !written.add(hash)) {
      skip('duplicate');
      return;
    }
    const first = provenance.sources[0];
    if (!first) throw new Error('an example without a source annotation');
    const split = splitOf(first);
    summary.lines[split] += 1;
    summary.examplesWritten += 1;
    if (lineKind === 'pair') summary.pairs += 1;
    if (label !== undefined) summary.labels[label ? 'desirable' : 'undesirable'] += 1;
    if (carriesReasoning) summary.reasoningLines += 1;
    const placedValue = format.place ? format.place(value, { split, index: summary.lines[split] - 1 }) : value;
    const placed = format.place ? JSON.stringify(placedValue) : text;
    const lineNo = summary.lines[split];
    out.push({
      split,
      line: `${placed}\n`,
      ...(format.parquet ? { value: placedValue } : {}),
      // Built only when read: a stdout export or the lines part of an HTTP download never writes the
      // sidecar, and building it for each of a million lines was a tenth of the export's CPU.
      get meta() {
        return metaLine({
          split,
          lineNo,
          hash,
          kind: lineKind,
          provenance,
          label,
          conversationRatings: [...new Set(provenance.sources.map(ratingOf))].filter((rating) => rating !== undefined),
          extra: hooks.sidecar?.(provenance),
        });
      },
      example,
      provenance,
    });
  }

  function emit(candidate: Candidate): void {
    const { example } = candidate;
    const texts =
      example.kind === 'sft'
        ? [example.target]
        : example.kind === 'pair'
          ? [example.chosen, example.rejected]
          : [example.completion];
    if (texts.some((text) => text.trim() === '')) {
      skip('empty-response');
      return;
    }
    const attached = attachReasoning(example, candidate.sources, options.reasoning, format.reasoning);
    const built = format.build(attached.example, {
      reasoningField,
      sources: candidate.sources,
      conversationRating: candidate.sources[0] && ratingOf(candidate.sources[0]),
    });
    if ('skip' in built) {
      skip(built.skip);
      return;
    }
    write(built.value, attached.example, candidate, attached.carried);
  }
  const sink: CandidateSink = { skip, emit };

  /** Lines of one conversation's annotations (already tombstone-free and filtered). */
  function conversationLines(batch: Annotation[]): void {
    if (kind === 'raw') {
      for (const annotation of batch) {
        const built = format.build(annotation, {
          reasoningField,
          sources: [annotation],
          conversationRating: ratingOf(annotation),
        });
        if ('skip' in built) skip(built.skip);
        else write(built.value, null, { basis: 'stored', sources: [annotation] }, reasoningOf(annotation) !== null);
      }
      return;
    }
    const used = new Set<Annotation>();
    for (const annotation of batch) {
      const prompt = preparePrompt(annotation.context, options.systemPrompt);
      if ('skip' in prompt) {
        skip(prompt.skip);
        used.add(annotation); // counted once, under this reason
        continue;
      }
      if (kind === 'sft') {
        const target = sftTarget(annotation, options);
        if ('skip' in target) {
          skip(target.skip);
          continue;
        }
        // An assistant turn is trained on the line whose target it is, and nowhere else: as an earlier
        // turn of later lines it is context only (openai-sft writes weight 0 on it).
        emit({
          example: { kind: 'sft', prompt, target: target.target },
          sources: [annotation],
          basis: target.basis,
        });
      } else if (kind === 'kto') {
        const rows = ktoRows(annotation, options);
        if ('skip' in rows) {
          skip(rows.skip);
          continue;
        }
        for (const row of rows.rows) {
          emit({
            example: { kind: 'kto', prompt, completion: row.completion, label: row.label },
            sources: [annotation],
            basis: row.basis,
          });
        }
      } else if (correctionOf(annotation) === 'replacement') {
        used.add(annotation);
        emit({
          example: {
            kind: 'pair',
            prompt,
            chosen: annotation.correction ?? '',
            rejected: annotation.response,
            margin: null,
          },
          sources: [annotation],
          basis: 'correction',
        });
      }
    }
    if (kind !== 'pair') return;

    // Explicit comparisons whose two annotations have now both arrived, then variants (different
    // responses to exactly the same context). A comparison is the stronger basis: it goes first, so
    // dedup keeps it, and thumbs or scores of the same two responses add no second pair.
    const compared = comparisonPairing.pairs(batch, options, sink, used);
    variantPairs(batch, options, sink, used, compared);
    for (const annotation of batch) if (!used.has(annotation)) skip('annotation-in-no-pair');
  }

  // Records are handed out in batches: one await per batch, not per line, keeps a million-line export
  // from spending its time in promise machinery.
  async function* batches(): AsyncGenerator<ExportRecord[]> {
    // One small record per rated conversation and annotator, read before the annotations like comparisons.
    const allRatings: ConversationRating[] = [];
    for await (const rating of conversationRatings) allRatings.push(rating);
    ratings = indexConversationRatings(allRatings);

    if (kind === 'pair') {
      for await (const comparison of comparisons) {
        summary.comparisonsRead += 1;
        const reason = comparisonPairing.add(comparison);
        if (reason !== null) skip(reason);
      }
    }

    let batch: Annotation[] = [];
    let batchKey: string | null = null;
    const flush = () => {
      if (batchKey !== null && !seenConversations.add(hash53(batchKey))) splitConversations += 1;
      const current = batch;
      batch = [];
      conversationLines(current);
    };
    const accept = (annotation: Annotation) => {
      summary.annotationsRead += 1;
      if (annotation.deletedAt !== null) return skip('tombstoned');
      filterValues.see(annotation);
      const source = annotationSource(annotation);
      if (!options.source.includes(source)) {
        summary.sources.excluded[source] = (summary.sources.excluded[source] ?? 0) + 1;
        return skip('source-not-selected');
      }
      if (!passesFilters(annotation, options)) return skip('filtered');
      if (options.conversationRating !== undefined) {
        const rated = ratingOf(annotation)?.rating ?? 'unrated';
        if (!options.conversationRating.includes(rated)) return skip('conversation-rating-not-selected');
      }
      if (isPartialCapture(annotation.metadata)) {
        summary.partialCaptures += 1;
        if (options.skipPartial) return skip('partial-capture');
      }
      const key = `${annotation.site}\u0000${annotation.conversationId}`;
      if (key !== batchKey) {
        flush();
        batchKey = key;
      }
      batch.push(options.redactPii ? redactAnnotation(annotation, summary.redactions) : annotation);
    };
    // A synchronous source is read without an await per annotation, a paged one (a store) with one per page.
    if (Symbol.iterator in annotations) {
      for (const item of annotations) {
        for (const annotation of isPage(item) ? item : [item]) {
          accept(annotation);
          if (out.length >= BATCH_RECORDS) yield out.splice(0);
        }
      }
    } else {
      for await (const item of annotations) {
        for (const annotation of isPage(item) ? item : [item]) {
          accept(annotation);
          if (out.length >= BATCH_RECORDS) yield out.splice(0);
        }
      }
    }
    flush();
    if (out.length > 0) yield out.splice(0);

    if (comparisonPairing.waiting > 0) skip('comparison-missing-annotation', comparisonPairing.waiting);
    if (splitConversations > 0) {
      summary.warnings.push(
        `${splitConversations} conversation(s) arrived in more than one run; variants across runs were not paired (read annotations ordered by conversation)`,
      );
    }
    summary.redactions.total = summary.redactions.email + summary.redactions.phone + summary.redactions.apiKey;
    if (reasoningProblem === null && options.reasoning !== 'none' && summary.examplesWritten > 0) {
      if (summary.reasoningLines === 0)
        summary.warnings.push(
          '--reasoning was asked for, but no exported response had captured reasoning (the extension captures it where the page shows it)',
        );
    }
    summary.unknownValues = filterValues.unknown();
    summary.warnings.push(...summary.unknownValues.map(unknownValueWarning));
    hooks.finish?.(summary);
  }

  let done = false;
  return {
    batches: {
      async *[Symbol.asyncIterator]() {
        yield* batches();
        done = true;
      },
    },
    records: {
      async *[Symbol.asyncIterator]() {
        for await (const batch of batches()) yield* batch;
        done = true;
      },
    },
    summary() {
      if (!done) throw new Error('the export summary is ready only after every record has been read');
      return summary;
    },
  };
}

const isPage = (item: Annotation | readonly Annotation[]): item is readonly Annotation[] => Array.isArray(item);

/** The JSONL text of a whole export as strings per file, for small exports (tests, the extension). */
export async function collectExport(run: ExportRun): Promise<Record<SplitName, { lines: string; meta: string }>> {
  const out = { train: { lines: '', meta: '' }, validation: { lines: '', meta: '' } };
  for await (const record of run.records) {
    out[record.split].lines += record.line;
    out[record.split].meta += record.meta;
  }
  return out;
}

/**
 * The Parquet columns of the export's format (its lines are then Parquet rows), or null for a JSONL
 * format. The reasoning field is a column only when `--reasoning field` puts it there.
 */
export function exportParquetSchema(options: ExportOptions): ParquetSchema | null {
  const format = exportFormatDefinition(options.format);
  const reasoningField = options.reasoning === 'field' ? (options.reasoningField ?? 'reasoning_content') : null;
  return format.parquet ? format.parquet({ reasoningField }) : null;
}
