import { z } from 'zod';
import { annotationSchema, tagSchema, thumbSchema } from './annotation.ts';
import { exportOptionsSchema, toEpoch } from './export-options.ts';
import { isoDateTimeSchema, recordIdSchema } from './fields.ts';
import { itemSchema } from './item.ts';
import { LIMITS } from './limits.ts';

/**
 * Importing chat history (docs/history-import.md): the `margin import-history` options, what a run
 * reports, the dashboard's chunked upload, and the Rate your history view's items.
 */
export const HISTORY_SOURCE_CHOICES = ['auto', 'chatgpt', 'claude', 'gemini', 'openwebui', 'librechat'] as const;
export const historySourceChoiceSchema = z.enum(HISTORY_SOURCE_CHOICES);
export type HistorySourceChoice = z.infer<typeof historySourceChoiceSchema>;

const count = z.int().min(0);
const exportShape = exportOptionsSchema.shape;

/** What one import found and did; printed by the CLI, shown by the dashboard while it runs. */
export const importSummarySchema = z.strictObject({
  /** The source read (detected when `auto`). */
  source: z.string().nullable(),
  /** The files of the export that were read, in order. */
  files: z.array(z.string()),
  conversations: z.strictObject({ read: count, imported: count, unchanged: count }),
  responses: z.strictObject({ read: count, added: count, present: count }),
  ratings: z.strictObject({ read: count, added: count, present: count, alreadyAnnotated: count }),
  comparisons: z.strictObject({ read: count, added: count, present: count }),
  /** Why things were left out, with how many each. */
  skipped: z.record(z.string(), count),
  bytes: z.strictObject({ read: count, total: count }),
});
export type ImportSummary = z.infer<typeof importSummarySchema>;

export function emptyImportSummary(): ImportSummary {
  return {
    source: null,
    files: [],
    conversations: { read: 0, imported: 0, unchanged: 0 },
    responses: { read: 0, added: 0, present: 0 },
    ratings: { read: 0, added: 0, present: 0, alreadyAnnotated: 0 },
    comparisons: { read: 0, added: 0, present: 0 },
    skipped: {},
    bytes: { read: 0, total: 0 },
  };
}

export const importRunStatusSchema = z.enum(['running', 'done', 'failed', 'interrupted']);
export type ImportRunStatus = z.infer<typeof importRunStatusSchema>;

/** One import, from the CLI or the dashboard. */
export const importRunSchema = z.strictObject({
  id: recordIdSchema,
  /** The `--source` asked for. */
  source: historySourceChoiceSchema,
  /** The file's name (never a path from another machine). */
  file: z.string(),
  status: importRunStatusSchema,
  dryRun: z.boolean(),
  startedAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
  finishedAt: isoDateTimeSchema.nullable(),
  summary: importSummarySchema,
  error: z.string().nullable(),
});
export type ImportRun = z.infer<typeof importRunSchema>;

export const importRunListSchema = z.strictObject({ runs: z.array(importRunSchema) });

/** The largest export an upload takes (64 GiB), and the largest chunk (8 MiB before base64). */
export const UPLOAD_LIMITS = { fileBytes: 64 * 1024 ** 3, chunkBytes: 8 * 1024 ** 2 } as const;

/** `POST /api/v1/history/uploads`: an upload is announced with its name and size, then sent in chunks. */
export const uploadCreateSchema = z.strictObject({
  fileName: z.string().trim().min(1).max(255),
  size: z.int().min(1).max(UPLOAD_LIMITS.fileBytes),
});
export const uploadSchema = z.strictObject({
  id: recordIdSchema,
  fileName: z.string(),
  size: count,
  /** Bytes received so far: the next chunk's offset. */
  received: count,
});
export type Upload = z.infer<typeof uploadSchema>;

/** One chunk, base64, at the offset the upload has reached (a resent chunk at a lower offset is a 409). */
export const uploadChunkSchema = z.strictObject({
  offset: z.int().min(0).max(UPLOAD_LIMITS.fileBytes),
  data: z.base64().max(Math.ceil(UPLOAD_LIMITS.chunkBytes / 3) * 4),
});

/** `POST /api/v1/history/uploads/:id/import`: imports the complete upload in the background. */
export const importStartSchema = z.strictObject({
  source: historySourceChoiceSchema.default('auto'),
  since: exportShape.since,
  dryRun: z.boolean().default(false),
});
export type ImportStart = z.infer<typeof importStartSchema>;

const wholeNumber = (min: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value === '' ? undefined : value),
    z.int('must be a whole number').min(min).max(max),
  );

/** The Rate view's filters: site, model, date range, conversation length (turns), has code. */
export const itemFiltersSchema = z
  .strictObject({
    site: exportShape.site,
    model: exportShape.model,
    since: exportShape.since,
    until: exportShape.until,
    /** Turns up to and including the response (context messages + 1). */
    minTurns: wholeNumber(1, LIMITS.contextMessages + 1).optional(),
    maxTurns: wholeNumber(1, LIMITS.contextMessages + 1).optional(),
    hasCode: exportShape.hasComment,
  })
  .refine((o) => o.minTurns === undefined || o.maxTurns === undefined || o.minTurns <= o.maxTurns, {
    message: 'minTurns must not exceed maxTurns',
    path: ['minTurns'],
  })
  .refine((o) => o.since === undefined || o.until === undefined || toEpoch(o.since) < toEpoch(o.until), {
    message: 'since must be before until',
    path: ['since'],
  });
export type ItemFilters = z.output<typeof itemFiltersSchema>;

/** `GET /api/v1/history/items/next`: the next unrated item, and how many are left (it included). */
export const nextItemSchema = z.strictObject({ item: itemSchema.nullable(), remaining: count });
export type NextItem = z.infer<typeof nextItemSchema>;

const facetCount = z.strictObject({ value: z.string(), count });
export const itemFacetsSchema = z.strictObject({
  /** Unrated items in all, and by site and model. */
  unrated: count,
  sites: z.array(facetCount),
  models: z.array(facetCount),
});
export type ItemFacets = z.infer<typeof itemFacetsSchema>;

/** `POST /api/v1/history/items/:id/rating`: the person's judgement, stored as an annotation. */
export const itemRatingSchema = z
  .strictObject({
    thumb: thumbSchema.nullable().default(null),
    score: z.int().min(0).max(100).nullable().default(null),
    comment: z.string().max(LIMITS.commentChars).default(''),
    tags: z.array(tagSchema).max(LIMITS.tags).default([]),
  })
  .refine((o) => o.thumb !== null || o.score !== null || o.comment.trim() !== '' || o.tags.length > 0, {
    message: 'give a thumb, a score, a comment or a tag',
    path: ['thumb'],
  });
export type ItemRating = z.infer<typeof itemRatingSchema>;

export const itemRatedSchema = z.strictObject({ annotation: annotationSchema, seq: z.int().min(1) });
export const itemSkipSchema = z.strictObject({ id: recordIdSchema, skipped: z.boolean() });
