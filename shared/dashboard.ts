import { z } from 'zod';
import { type Annotation, tagSchema, thumbSchema } from './annotation.ts';
import { exportOptionsSchema, toEpoch } from './export-options.ts';
import { LIMITS } from './limits.ts';

/**
 * The dashboard's API (companion/src/routes/annotations.ts and its siblings; docs/dashboard.md).
 * Filters are the export's own field schemas, so the dashboard and `margin export` select the same
 * annotations for the same choices.
 */
export const DASHBOARD_ROUTES = {
  annotations: '/api/v1/annotations',
  annotationFacets: '/api/v1/annotations/facets',
  annotation: '/api/v1/annotations/:id',
  insights: '/api/v1/insights',
  exportPreview: '/api/v1/export/preview',
  signInCodes: '/api/v1/sign-in/codes',
  signIn: '/api/v1/sign-in',
  settings: '/api/v1/settings',
  rotateToken: '/api/v1/token/rotate',
  backup: '/api/v1/backup',
  restore: '/api/v1/backup/restore',
} as const;

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

/** One line of the table: what it shows, without the conversation. */
export interface AnnotationRow {
  id: string;
  site: string;
  model: string | null;
  annotator: string;
  thumb: 'up' | 'down' | null;
  score: number | null;
  tags: string[];
  /** The first 160 characters of the comment and of the response. */
  commentExcerpt: string;
  responseExcerpt: string;
  hasCorrection: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AnnotationListResponse {
  /** Annotations matching the query, in all. */
  total: number;
  offset: number;
  rows: AnnotationRow[];
  /** Changes not yet in the search index (after a large sync); the answer may miss them for a moment. */
  pendingIndex: number;
}

export interface FacetCount {
  value: string;
  count: number;
}

/** `GET /api/v1/annotations/facets`: the values the filters offer, with how many live annotations have each. */
export interface AnnotationFacets {
  sites: FacetCount[];
  models: FacetCount[];
  annotators: FacetCount[];
  tags: FacetCount[];
}

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
export interface AnnotationWriteResponse {
  annotation: Annotation;
  seq: number;
}

/** `GET /api/v1/insights`: aggregates over the annotations the filters select. */
export interface InsightGroup {
  key: string;
  count: number;
  up: number;
  down: number;
  /** up / (up + down), or null without thumbs. */
  upRate: number | null;
  /** Mean of the scores given, or null without scores. */
  meanScore: number | null;
}
export interface InsightsResponse {
  total: number;
  /** One entry per UTC day with annotations created that day. */
  days: { day: string; count: number; up: number; down: number }[];
  sites: InsightGroup[];
  models: InsightGroup[];
  /** Ten buckets: 0–9, 10–19, …, 90–100. */
  scoreHistogram: number[];
  /** The most used tags, most first. */
  tags: FacetCount[];
  pendingIndex: number;
}

export const signInRequestSchema = z.strictObject({
  code: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'not a sign-in code'),
});
export interface SignInCodeResponse {
  code: string;
  expiresAt: string;
  /** The dashboard address that signs in with the code (the code is in the fragment: never sent to a server). */
  url: string;
}
export interface SignInResponse {
  token: string;
}

export interface SettingsResponse {
  version: string;
  dataDir: string;
  databaseFile: string;
}

/** `POST /api/v1/backup/restore`: a chunk of a JSONL backup, imported like `margin import`. */
export const restoreChunkSchema = z.strictObject({
  /** The line number of the first line in this chunk, for error messages. */
  firstLine: z.int().min(1),
  lines: z.array(z.string()).max(10_000),
});
export type RestoreChunk = z.infer<typeof restoreChunkSchema>;
export interface RestoreResponse {
  lines: number;
  accepted: number;
  unchanged: number;
  superseded: number;
  rejected: number;
  /** "line 12: score: …", the first 100 of them. */
  problems: string[];
}
