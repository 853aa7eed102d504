import { z } from 'zod';
import { annotationSchema, tagSchema, thumbSchema } from './annotation.ts';
import { comparisonSchema } from './comparison.ts';
import { exportOptionsSchema, toEpoch } from './export-options.ts';
import { LIMITS } from './limits.ts';

/**
 * The dashboard's schemas (the routes: shared/api/annotations.ts and shared/api/dashboard.ts;
 * docs/dashboard.md). Filters are the export's own field schemas, so the dashboard and `margin export`
 * select the same annotations for the same choices.
 */
const exportShape = exportOptionsSchema.shape;

/** The export's filters, with the same parsing (comma lists, dates, booleans as strings). */
export const annotationFilterShape = {
  site: exportShape.site,
  model: exportShape.model,
  annotator: exportShape.annotator,
  tag: exportShape.tag,
  excludeTag: exportShape.excludeTag,
  since: exportShape.since,
  until: exportShape.until,
  minScore: exportShape.minScore,
  maxScore: exportShape.maxScore,
  hasComment: exportShape.hasComment,
  hasCorrection: exportShape.hasCorrection,
};
export const ANNOTATION_FILTER_KEYS = Object.keys(annotationFilterShape) as (keyof typeof annotationFilterShape)[];

type FilterFields = {
  minScore?: number | undefined;
  maxScore?: number | undefined;
  since?: string | undefined;
  until?: string | undefined;
};
function refineFilters<T extends z.ZodType<FilterFields>>(schema: T) {
  return schema
    .refine((o) => o.minScore === undefined || o.maxScore === undefined || o.minScore <= o.maxScore, {
      message: 'minScore must not exceed maxScore',
      path: ['minScore'],
    })
    .refine((o) => o.since === undefined || o.until === undefined || toEpoch(o.since) < toEpoch(o.until), {
      message: 'since must be before until',
      path: ['since'],
    });
}

export const annotationFiltersSchema = refineFilters(z.strictObject(annotationFilterShape));
export type AnnotationFilters = z.output<typeof annotationFiltersSchema>;

const wholeNumber = (min: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value === '' ? undefined : value),
    z.int('must be a whole number').min(min).max(max),
  );

export const ANNOTATION_SORTS = ['created', 'score', 'site', 'model', 'annotator', 'thumb'] as const;
export type AnnotationSort = (typeof ANNOTATION_SORTS)[number];
export const ANNOTATION_PAGE_MAX = 500;

/** `GET /api/v1/annotations`: one page of the table, filtered, searched and sorted on the server. */
export const annotationListQuerySchema = refineFilters(
  z.strictObject({
    ...annotationFilterShape,
    /** Full-text search over response, comment and correction: every word must match (the last as a prefix). */
    q: z.preprocess(
      (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
      z.string().max(500).optional(),
    ),
    sort: z.enum(ANNOTATION_SORTS).default('created'),
    order: z.enum(['asc', 'desc']).default('desc'),
    offset: wholeNumber(0, 100_000_000).default(0),
    limit: wholeNumber(1, ANNOTATION_PAGE_MAX).default(100),
  }),
);
export type AnnotationListQuery = z.output<typeof annotationListQuerySchema>;
export type AnnotationListQueryInput = z.input<typeof annotationListQuerySchema>;

const count = z.int().min(0);

/** One line of the table: what it shows, without the conversation. */
export const annotationRowSchema = z.strictObject({
  id: z.string(),
  site: z.string(),
  model: z.string().nullable(),
  annotator: z.string(),
  thumb: thumbSchema.nullable(),
  score: z.number().nullable(),
  tags: z.array(z.string()),
  /** The first 160 characters of the comment and of the response. */
  commentExcerpt: z.string(),
  responseExcerpt: z.string(),
  /** The first 160 characters of the last user turn before the response (the prompt it answers). */
  prompt: z.string(),
  hasCorrection: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The stored revision, which an edit or delete from the table names as its `baseRevision`. */
  revision: z.int().min(1),
});
export type AnnotationRow = z.infer<typeof annotationRowSchema>;

export const annotationListResponseSchema = z.strictObject({
  /** Annotations matching the query, in all. */
  total: count,
  offset: count,
  rows: z.array(annotationRowSchema),
  /** Changes not yet in the search index (after a large sync); the answer may miss them for a moment. */
  pendingIndex: count,
});
export type AnnotationListResponse = z.infer<typeof annotationListResponseSchema>;

export const facetCountSchema = z.strictObject({ value: z.string(), count });
export type FacetCount = z.infer<typeof facetCountSchema>;

/** `GET /api/v1/annotations/facets`: the values the filters offer, with how many live annotations have each. */
export const annotationFacetsSchema = z.strictObject({
  sites: z.array(facetCountSchema),
  models: z.array(facetCountSchema),
  annotators: z.array(facetCountSchema),
  tags: z.array(facetCountSchema),
});
export type AnnotationFacets = z.infer<typeof annotationFacetsSchema>;

/** `PATCH /api/v1/annotations/:id`: the fields a person may correct, against the revision they saw. */
export const annotationEditSchema = z.strictObject({
  /** The revision the edit was made on; another change since then is a 409 with the current version. */
  baseRevision: z.int().min(1),
  thumb: thumbSchema.nullable().optional(),
  score: z.int().min(0).max(100).nullable().optional(),
  comment: z.string().max(LIMITS.commentChars).optional(),
  tags: z.array(tagSchema).max(LIMITS.tags).optional(),
  correction: z.string().max(LIMITS.textChars).nullable().optional(),
});
export type AnnotationEdit = z.infer<typeof annotationEditSchema>;

/** `DELETE /api/v1/annotations/:id?baseRevision=N` */
export const annotationDeleteQuerySchema = z.strictObject({ baseRevision: wholeNumber(1, Number.MAX_SAFE_INTEGER) });

/** The stored version after an edit or delete, and its sequence number (sync pulls bring it to the extension). */
export const annotationWriteResponseSchema = z.strictObject({ annotation: annotationSchema, seq: z.int().min(1) });
export type AnnotationWriteResponse = z.infer<typeof annotationWriteResponseSchema>;

/**
 * `GET /api/v1/annotations/:id/comparisons`: the live side-by-side judgements that involve the
 * annotation, each with the other annotation as stored (a tombstone if it was deleted; null if it never reached this companion).
 */
export const annotationComparisonsSchema = z.strictObject({
  comparisons: z.array(z.strictObject({ comparison: comparisonSchema, other: annotationSchema.nullable() })),
});
export type AnnotationComparisons = z.infer<typeof annotationComparisonsSchema>;

/** `GET /api/v1/insights`: aggregates over the annotations the filters select. */
export const insightGroupSchema = z.strictObject({
  key: z.string(),
  count,
  up: count,
  down: count,
  /** up / (up + down), or null without thumbs. */
  upRate: z.number().nullable(),
  /** Mean of the scores given, or null without scores. */
  meanScore: z.number().nullable(),
});
export type InsightGroup = z.infer<typeof insightGroupSchema>;

export const insightsResponseSchema = z.strictObject({
  total: count,
  /** One entry per UTC day with annotations created that day. */
  days: z.array(z.strictObject({ day: z.string(), count, up: count, down: count })),
  sites: z.array(insightGroupSchema),
  models: z.array(insightGroupSchema),
  /** Ten buckets: 0–9, 10–19, …, 90–100. */
  scoreHistogram: z.array(count),
  /** The most used tags, most first. */
  tags: z.array(facetCountSchema),
  pendingIndex: count,
});
export type InsightsResponse = z.infer<typeof insightsResponseSchema>;

/** A one-time sign-in code: it works once, for two minutes. */
const signInCodeSchema = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'not a sign-in code');

export const signInRequestSchema = z.strictObject({ code: signInCodeSchema });

export const signInCodeResponseSchema = z.strictObject({
  code: signInCodeSchema,
  expiresAt: z.iso.datetime({ offset: true }),
  /** The dashboard address that signs in with the code (the code is in the fragment: never sent to a server). */
  url: z.string(),
});
export type SignInCodeResponse = z.infer<typeof signInCodeResponseSchema>;

/** The sign-in exchange and a token rotation both answer the token. */
export const tokenResponseSchema = z.strictObject({ token: z.string() });
export type SignInResponse = z.infer<typeof tokenResponseSchema>;

export const settingsResponseSchema = z.strictObject({
  version: z.string(),
  dataDir: z.string(),
  databaseFile: z.string(),
});
export type SettingsResponse = z.infer<typeof settingsResponseSchema>;

/**
 * `POST /api/v1/backup/restore`: a chunk of a JSONL backup. The chunks of one restore share `upload`
 * and are staged on the companion; the `last` one applies the whole file in one transaction, and only
 * when no line anywhere was rejected: a restore lands whole or not at all.
 */
export const restoreChunkSchema = z.strictObject({
  /** One restore's id (the client makes it), the same on each of its chunks. */
  upload: z.uuid(),
  /** The line number of the first line in this chunk: 1 starts a restore, then each chunk follows the last. */
  firstLine: z.int().min(1),
  lines: z.array(z.string()).max(10_000),
  /** The file's final chunk: apply the restore (or drop it, when a line was rejected). */
  last: z.boolean(),
});
export type RestoreChunk = z.infer<typeof restoreChunkSchema>;
export const restoreResponseSchema = z.strictObject({
  /** Lines with a record in this chunk, and those rejected. */
  lines: count,
  rejected: count,
  /** Whether the restore was applied: only on the last chunk, and only when no line was rejected. */
  stored: z.boolean(),
  /** What the applied restore did with its records (0 until it is applied). */
  accepted: count,
  unchanged: count,
  superseded: count,
  /** "line 12: score: …", the first 100 of this chunk. */
  problems: z.array(z.string()),
});
export type RestoreResponse = z.infer<typeof restoreResponseSchema>;
