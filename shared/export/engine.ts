import type { Annotation } from '../annotation.ts';
import type { Comparison } from '../comparison.ts';
import { EXPORT_FORMAT_KIND, type ExportOptions } from '../export-options.ts';
import { buildLine, type Example } from './formats.ts';
import { hash53, unitInterval } from './hash.ts';
import { NumberSet } from './number-set.ts';
import { type RedactionCounts, redactPii } from './redact.ts';
import {
  correctionOf,
  judge,
  ktoRows,
  normalizeWhitespace,
  passesFilters,
  preparePrompt,
  sftTarget,
  variantPreference,
} from './rules.ts';

export type AnyIterable<T> = AsyncIterable<T> | Iterable<T>;

const BATCH_RECORDS = 512;
export type SplitName = 'train' | 'validation';

/** One output line: the JSONL text (with its `\n`), which file it belongs to, and its sidecar line. */
export interface ExportRecord {
  split: SplitName;
  line: string;
  meta: string;
}

export interface ExportSummary {
  format: string;
  annotationsRead: number;
  comparisonsRead: number;
  /** Lines written, in all files. */
  examplesWritten: number;
  lines: Record<SplitName, number>;
  /** Lines that are preference pairs (pair formats only). */
  pairs: number;
  /** KTO lines by label. */
  labels: { desirable: number; undesirable: number };
  /** Why annotations, candidate pairs or examples produced no line; reason → count. */
  skipped: Record<string, number>;
  redactions: RedactionCounts & { total: number };
  warnings: string[];
}

export interface ExportRun {
  /** The lines, in a deterministic order (the order of the input). Iterate once: this or `batches`. */
  records: AsyncIterable<ExportRecord>;
  /** The same lines in arrays of up to a few hundred: cheaper to consume for large exports. */
  batches: AsyncIterable<ExportRecord[]>;
  /** Complete once `records` has been iterated to the end. */
  summary(): ExportSummary;
}

interface Provenance {
  /** What made this line: `correction`, `thumb-up`, `score-gap`, `comparison`, `stored`, … */
  basis: string;
  /** Annotations behind the line, chosen side first for pairs. */
  sources: Annotation[];
  comparisonId?: string;
}

interface Candidate extends Provenance {
  example: Example;
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
  annotations: AnyIterable<Annotation>,
  comparisons: AnyIterable<Comparison>,
  options: ExportOptions,
): ExportRun {
  const kind = EXPORT_FORMAT_KIND[options.format];
  const summary: ExportSummary = {
    format: options.format,
    annotationsRead: 0,
    comparisonsRead: 0,
    examplesWritten: 0,
    lines: { train: 0, validation: 0 },
    pairs: 0,
    labels: { desirable: 0, undesirable: 0 },
    skipped: {},
    redactions: { email: 0, phone: 0, apiKey: 0, total: 0 },
    warnings: [],
  };
  const skip = (reason: string, count = 1) => {
    summary.skipped[reason] = (summary.skipped[reason] ?? 0) + count;
  };
  const written = new NumberSet();
  const out: ExportRecord[] = [];
  const seenConversations = new NumberSet();
  let splitConversations = 0;

  // Comparisons waiting for their annotations: annotation id → comparisons naming it.
  const comparisonsByAnnotation = new Map<string, Comparison[]>();
  const sides = new Map<string, { a?: Annotation; b?: Annotation }>();

  function redact(annotation: Annotation): Annotation {
    if (!options.redactPii) return annotation;
    const counts = summary.redactions;
    return {
      ...annotation,
      context: annotation.context.map((turn) => ({ ...turn, content: redactPii(turn.content, counts) })),
      response: redactPii(annotation.response, counts),
      correction: annotation.correction === null ? null : redactPii(annotation.correction, counts),
      comment: redactPii(annotation.comment, counts),
      ...(annotation.rubric && { rubric: redactRubric(annotation.rubric, counts) }),
    };
  }

  function splitOf(annotation: Annotation): SplitName {
    if (options.split === undefined) return 'train';
    return unitInterval(`${annotation.site}\u0000${annotation.conversationId}`) < options.split
      ? 'train'
      : 'validation';
  }

  function metaLine(
    split: SplitName,
    lineNo: number,
    hash: number,
    kindName: string,
    provenance: Provenance,
    label?: boolean,
  ): string {
    const { sources } = provenance;
    return `${JSON.stringify({
      line: lineNo,
      split,
      example_id: hash.toString(16).padStart(14, '0'),
      kind: kindName,
      basis: provenance.basis,
      ...(label === undefined ? {} : { label }),
      ...(provenance.comparisonId ? { comparison_id: provenance.comparisonId } : {}),
      annotation_ids: sources.map((a) => a.id),
      annotators: [...new Set(sources.map((a) => a.annotator))],
      tags: [...new Set(sources.flatMap((a) => a.tags))],
      comments: sources.map((a) => a.comment).filter((comment) => comment !== ''),
      scores: sources.map((a) => ({ annotation_id: a.id, thumb: a.thumb, score: a.score })),
      // Only when some source answered a rubric, so lines without rubrics stay as they were.
      ...rubricsOf(sources),
      sources: sources.map((a) => ({
        site: a.site,
        conversation_id: a.conversationId,
        message_id: a.messageId,
        model: a.model,
        url: a.url,
      })),
    })}\n`;
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
    const built = buildLine(options.format, example);
    if ('skip' in built) {
      skip(built.skip);
      return;
    }
    const text = JSON.stringify(built.value);
    const hash = hash53(text);
    if (options.dedup && !written.add(hash)) {
      skip('duplicate');
      return;
    }
    const first = candidate.sources[0];
    if (!first) throw new Error('an example without a source annotation');
    const split = splitOf(first);
    summary.lines[split] += 1;
    summary.examplesWritten += 1;
    if (example.kind === 'pair') summary.pairs += 1;
    if (example.kind === 'kto') summary.labels[example.label ? 'desirable' : 'undesirable'] += 1;
    const label = example.kind === 'kto' ? example.label : undefined;
    out.push({
      split,
      line: `${text}\n`,
      meta: metaLine(split, summary.lines[split], hash, example.kind, candidate, label),
    });
  }

  /** Lines of one conversation's annotations (already tombstone-free and filtered). */
  function conversationLines(batch: Annotation[]): void {
    if (kind === 'raw') {
      for (const annotation of batch) {
        const text = JSON.stringify(annotation);
        const hash = hash53(text);
        if (options.dedup && !written.add(hash)) {
          skip('duplicate');
          continue;
        }
        const split = splitOf(annotation);
        summary.lines[split] += 1;
        summary.examplesWritten += 1;
        const meta = metaLine(split, summary.lines[split], hash, 'raw', { basis: 'stored', sources: [annotation] });
        out.push({ split, line: `${text}\n`, meta });
      }
      return;
    }

    // Earlier assistant turns count as approved when this conversation has a positive annotation of
    // that very response (uncorrected).
    const approved = new Set<string>();
    for (const annotation of kind === 'sft' ? batch : []) {
      if (
        correctionOf(annotation) !== 'replacement' &&
        judge(annotation, options.sftMinScore, options.ktoUndesirableMax) === 'positive'
      ) {
        approved.add(normalizeWhitespace(annotation.response));
      }
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
        const approvedTurns = prompt.turns.map(
          (turn) => turn.role === 'assistant' && approved.has(normalizeWhitespace(turn.content)),
        );
        emit({
          example: { kind: 'sft', prompt, target: target.target, approvedTurns },
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

    // Variants: annotations of different responses to exactly the same context.
    const groups = new Map<string, Annotation[]>();
    const contextsByVariantGroup = new Map<string, Set<string>>();
    for (const annotation of batch) {
      const contextKey = JSON.stringify(annotation.context);
      const group = groups.get(contextKey);
      if (group) group.push(annotation);
      else groups.set(contextKey, [annotation]);
      if (annotation.variant?.group) {
        const contexts = contextsByVariantGroup.get(annotation.variant.group) ?? new Set<string>();
        contexts.add(contextKey);
        contextsByVariantGroup.set(annotation.variant.group, contexts);
      }
    }
    for (const contexts of contextsByVariantGroup.values()) {
      // Marked as variants of one prompt, but captured with different contexts: never paired.
      if (contexts.size > 1) skip('pair-contexts-differ', contexts.size - 1);
    }
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      const first = group[0];
      const prompt = first ? preparePrompt(first.context, options.systemPrompt) : { skip: 'no-user-turn' };
      if ('skip' in prompt) continue; // already counted per annotation above
      for (let i = 0; i < group.length; i++) {
        for (let j = i + 1; j < group.length; j++) {
          const a = group[i] as Annotation;
          const b = group[j] as Annotation;
          if (a.messageId === b.messageId) continue; // the same response judged twice: no variant pair
          const preference = variantPreference(a, b, options);
          if ('skip' in preference) {
            skip(preference.skip);
            continue;
          }
          used.add(a).add(b);
          emit({
            example: {
              kind: 'pair',
              prompt,
              chosen: preference.chosen.response,
              rejected: preference.rejected.response,
              margin: preference.margin,
            },
            sources: [preference.chosen, preference.rejected],
            basis: preference.basis,
          });
        }
      }
    }

    // Explicit comparisons: a pair as soon as both sides have arrived.
    for (const annotation of batch) {
      for (const comparison of comparisonsByAnnotation.get(annotation.id) ?? []) {
        const pending = sides.get(comparison.id);
        if (!pending) continue;
        if (comparison.a === annotation.id) pending.a = annotation;
        else pending.b = annotation;
        if (!pending.a || !pending.b) continue;
        sides.delete(comparison.id);
        const [chosen, rejected] = comparison.winner === 'a' ? [pending.a, pending.b] : [pending.b, pending.a];
        if (JSON.stringify(chosen.context) !== JSON.stringify(rejected.context)) {
          skip('comparison-contexts-differ');
          continue;
        }
        if (normalizeWhitespace(chosen.response) === normalizeWhitespace(rejected.response)) {
          skip('pair-identical-responses');
          continue;
        }
        const prompt = preparePrompt(chosen.context, options.systemPrompt);
        if ('skip' in prompt) {
          skip(prompt.skip);
          continue;
        }
        used.add(chosen).add(rejected);
        const margin =
          chosen.score !== null && rejected.score !== null ? Math.max(0, chosen.score - rejected.score) / 100 : null;
        emit({
          example: { kind: 'pair', prompt, chosen: chosen.response, rejected: rejected.response, margin },
          sources: [chosen, rejected],
          basis: 'comparison',
          comparisonId: comparison.id,
        });
      }
    }
    for (const annotation of batch) if (!used.has(annotation)) skip('annotation-in-no-pair');
  }

  // Records are handed out in batches: one await per batch, not per line, keeps a million-line export
  // from spending its time in promise machinery.
  async function* batches(): AsyncGenerator<ExportRecord[]> {
    if (kind === 'pair') {
      for await (const comparison of comparisons) {
        summary.comparisonsRead += 1;
        if (comparison.deletedAt !== null) {
          skip('comparison-tombstoned');
          continue;
        }
        if (comparison.winner === 'tie') {
          skip('comparison-tie');
          continue;
        }
        sides.set(comparison.id, {});
        for (const id of [comparison.a, comparison.b]) {
          const list = comparisonsByAnnotation.get(id);
          if (list) list.push(comparison);
          else comparisonsByAnnotation.set(id, [comparison]);
        }
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
      if (!passesFilters(annotation, options)) return skip('filtered');
      const key = `${annotation.site}\u0000${annotation.conversationId}`;
      if (key !== batchKey) {
        flush();
        batchKey = key;
      }
      batch.push(redact(annotation));
    };
    if (Symbol.iterator in annotations) {
      // A synchronous source (the SQLite store) is read without an await per annotation.
      for (const annotation of annotations) {
        accept(annotation);
        if (out.length >= BATCH_RECORDS) yield out.splice(0);
      }
    } else {
      for await (const annotation of annotations) {
        accept(annotation);
        if (out.length >= BATCH_RECORDS) yield out.splice(0);
      }
    }
    flush();
    if (out.length > 0) yield out.splice(0);

    if (sides.size > 0) skip('comparison-missing-annotation', sides.size);
    if (splitConversations > 0) {
      summary.warnings.push(
        `${splitConversations} conversation(s) arrived in more than one run; variants across runs were not paired (read annotations ordered by conversation)`,
      );
    }
    summary.redactions.total = summary.redactions.email + summary.redactions.phone + summary.redactions.apiKey;
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

/** The JSONL text of a whole export as strings per file, for small exports (tests, the extension). */
export async function collectExport(run: ExportRun): Promise<Record<SplitName, { lines: string; meta: string }>> {
  const out = { train: { lines: '', meta: '' }, validation: { lines: '', meta: '' } };
  for await (const record of run.records) {
    out[record.split].lines += record.line;
    out[record.split].meta += record.meta;
  }
  return out;
}

/** The sidecar's last line: the whole export's summary. */
export function summaryLine(summary: ExportSummary): string {
  return `${JSON.stringify({ summary })}\n`;
}

/** Rubric answers of the sources behind a sidecar line: `{ rubrics: [{annotation_id, version, answers}] }` or nothing. */
function rubricsOf(sources: readonly Annotation[]) {
  const rubrics = sources.flatMap((a) =>
    a.rubric ? [{ annotation_id: a.id, version: a.rubric.version, answers: a.rubric.answers }] : [],
  );
  return rubrics.length > 0 ? { rubrics } : {};
}

/** Text answers are free text like comments: redacted the same way. */
function redactRubric(rubric: NonNullable<Annotation['rubric']>, counts: RedactionCounts): Annotation['rubric'] {
  const answers = Object.fromEntries(
    Object.entries(rubric.answers).map(([id, value]) => [
      id,
      typeof value === 'string' ? redactPii(value, counts) : value,
    ]),
  );
  return { version: rubric.version, answers };
}
