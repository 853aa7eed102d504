import type { Annotation } from '../annotation.ts';
import { isPartialCapture } from '../capture-completeness.ts';
import { type ConversationRating, conversationRatingSummary } from '../conversation-rating.ts';
import type { ExportAggregate } from './aggregates.ts';
import type { UnknownFilterValue } from './filter-values.ts';
import type { RedactionCounts } from './redact.ts';
import type { AnnotationSource } from './sources.ts';

export type SplitName = 'train' | 'validation';

export interface ExportSummary {
  format: string;
  /** The sources read (`--source`), and how many live annotations of each other source were left out. */
  sources: { included: AnnotationSource[]; excluded: Partial<Record<AnnotationSource, number>> };
  annotationsRead: number;
  /** Annotations read (live, past the filters) whose capture was partial, written or skipped (docs/capture.md). */
  partialCaptures: number;
  comparisonsRead: number;
  /** Lines written, in all files. */
  examplesWritten: number;
  lines: Record<SplitName, number>;
  /** Lines that are preference pairs (pair formats only). */
  pairs: number;
  /** KTO lines by label. */
  labels: { desirable: number; undesirable: number };
  /** Lines that carry captured reasoning (`--reasoning field|inline`; for `raw`, as stored). */
  reasoningLines: number;
  /** Why annotations, candidate pairs or examples produced no line; reason → count. */
  skipped: Record<string, number>;
  redactions: RedactionCounts & { total: number };
  warnings: string[];
  /** Filter values (site, model, annotator, tag) that no annotation has: typos, with suggestions. */
  unknownValues: UnknownFilterValue[];
  /** A campaign export (`--queue`): the queue, how its answers were aggregated, what was read. */
  campaign?: CampaignSummary;
}

/** What a campaign export read: its items' completed answers and final answers, and the options that decide lines. */
export interface CampaignSummary {
  queue: string;
  kind: 'single' | 'pairwise';
  aggregate: ExportAggregate;
  minAgreement: number | null;
  /** Completed answers read (of the annotators asked for, if `annotator` narrows them). */
  answers: number;
  /** Items with an adjudicator's final answer. */
  adjudications: number;
}

/** A summary with nothing counted yet. Key order is the sidecar's: keep it. */
export function emptySummary(format: string, sources: readonly AnnotationSource[] = ['capture']): ExportSummary {
  return {
    format,
    sources: { included: [...sources], excluded: {} },
    annotationsRead: 0,
    partialCaptures: 0,
    comparisonsRead: 0,
    examplesWritten: 0,
    lines: { train: 0, validation: 0 },
    pairs: 0,
    labels: { desirable: 0, undesirable: 0 },
    reasoningLines: 0,
    skipped: {},
    redactions: { email: 0, phone: 0, apiKey: 0, total: 0 },
    warnings: [],
    unknownValues: [],
  };
}

/** The sidecar's last line: the whole export's summary. */
export function summaryLine(summary: ExportSummary): string {
  return `${JSON.stringify({ summary })}\n`;
}

/** Where a line came from, as its sidecar line records it. */
export interface Provenance {
  /** What made this line: `correction`, `thumb-up`, `score-gap`, `comparison`, `stored`, … */
  basis: string;
  /** Annotations behind the line, chosen side first for pairs. */
  sources: Annotation[];
  comparisonId?: string;
}

/** What a sidecar line says about the line it stands beside. */
export interface SidecarEntry {
  split: SplitName;
  /** The line's number in its file, from 1. */
  lineNo: number;
  /** The 53-bit hash of the line's JSON text: the example id. */
  hash: number;
  kind: string;
  provenance: Provenance;
  label?: boolean;
  /** Ratings of the sources' conversations (by their annotators), when any is rated. */
  conversationRatings?: readonly ConversationRating[];
  /** More keys (a campaign's answers behind the line); a key already written takes this value. */
  extra?: Record<string, unknown> | undefined;
}

/** The sidecar line of one written line (with its `\n`). */
export function metaLine({
  split,
  lineNo,
  hash,
  kind,
  provenance,
  label,
  conversationRatings = [],
  extra,
}: SidecarEntry): string {
  const { sources } = provenance;
  return `${JSON.stringify({
    line: lineNo,
    split,
    example_id: hash.toString(16).padStart(14, '0'),
    kind,
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
    // Only when a source's capture was partial, so complete lines stay as they were.
    ...(sources.some((a) => isPartialCapture(a.metadata)) ? { partial: true } : {}),
    // Only when a source's conversation is rated, so other lines stay as they were.
    ...(conversationRatings.length > 0
      ? {
          conversation_ratings: conversationRatings.map((rating) => ({
            site: rating.site,
            conversation_id: rating.conversationId,
            ...conversationRatingSummary(rating),
          })),
        }
      : {}),
    sources: sources.map((a) => ({
      site: a.site,
      conversation_id: a.conversationId,
      message_id: a.messageId,
      model: a.model,
      url: a.url,
    })),
    ...extra,
  })}\n`;
}

/** Rubric answers of the sources behind a sidecar line: `{ rubrics: [{annotation_id, version, answers}] }` or nothing. */
function rubricsOf(sources: readonly Annotation[]) {
  const rubrics = sources.flatMap((a) =>
    a.rubric ? [{ annotation_id: a.id, version: a.rubric.version, answers: a.rubric.answers }] : [],
  );
  return rubrics.length > 0 ? { rubrics } : {};
}
