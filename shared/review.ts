import { z } from 'zod';
import { contextSchema, metadataSchema } from './annotation.ts';
import { annotatorSchema, isoDateTimeSchema, recordIdSchema } from './fields.ts';
import { LIMITS } from './limits.ts';
import { formValueSchema, refuseProtoKey, reviewFormSchema } from './review-form.ts';

/**
 * The review queue: a pipeline asks a person to approve or reject something, with a few typed fields,
 * and waits for the answer. docs/reviews.md describes the lifecycle; the routes are in
 * shared/api/reviews.ts.
 */
export const REVIEW_LIMITS = {
  titleChars: 200,
  descriptionChars: 20_000,
  rows: 1_000,
  columns: 50,
  columnNameChars: LIMITS.metadataKeyChars,
  cellChars: 20_000,
  /** All rows together, as JSON: they become the annotation's response when the review is decided. */
  rowsJsonChars: LIMITS.textChars,
  /** 30 days. */
  maxTimeoutSeconds: 30 * 24 * 60 * 60,
  /** Prefect's `pause_flow_run` default: an hour. */
  defaultTimeoutSeconds: 3_600,
  /** The longest one long poll may wait; clients poll again. */
  maxWaitSeconds: 60,
  keyChars: 200,
  /** Metadata keys a review may carry: the annotation also holds the review's own keys and the answers. */
  metadataKeys: 15,
  listLimit: 200,
  defaultListLimit: 50,
} as const;

export const reviewStatusSchema = z.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled']);
export type ReviewStatus = z.infer<typeof reviewStatusSchema>;

export const reviewIdSchema = z.uuid({ error: 'must be a review id (a UUID)' });

/** One row of a table to review: column name → a JSON scalar. */
export const reviewRowSchema = refuseProtoKey(
  z
    .record(
      z.string().min(1).max(REVIEW_LIMITS.columnNameChars),
      z.union([z.string().max(REVIEW_LIMITS.cellChars), z.number().finite(), z.boolean(), z.null()]),
    )
    .refine((row) => Object.keys(row).length <= REVIEW_LIMITS.columns, {
      message: `a row has at most ${REVIEW_LIMITS.columns} columns`,
    }),
);
export type ReviewRow = Record<string, string | number | boolean | null>;

export const reviewRowsSchema = z
  .array(reviewRowSchema)
  .min(1, 'a table has at least one row; leave rows out (or null) instead')
  .max(REVIEW_LIMITS.rows)
  .refine((rows) => JSON.stringify(rows).length <= REVIEW_LIMITS.rowsJsonChars, {
    message: `the rows hold at most ${REVIEW_LIMITS.rowsJsonChars} characters of JSON in all`,
  });

const reviewMetadataSchema = refuseProtoKey(
  metadataSchema.refine((value) => Object.keys(value).length <= REVIEW_LIMITS.metadataKeys, {
    message: `a review carries at most ${REVIEW_LIMITS.metadataKeys} metadata keys`,
  }),
);

/** The idempotency key: the same key always names the same review. */
export const reviewKeySchema = z
  .string()
  .min(1)
  .max(REVIEW_LIMITS.keyChars)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (e.g. "pipeline-42:names")');

/** `POST /api/v1/reviews`. Everything but `title` is optional. */
export const reviewRequestSchema = z
  .strictObject({
    title: z.string().trim().min(1, 'give the review a title').max(REVIEW_LIMITS.titleChars),
    /** Markdown shown above the content. */
    description: z.string().max(REVIEW_LIMITS.descriptionChars).default(''),
    /** The conversation that led to `output` (becomes the annotation's context). */
    messages: contextSchema.default([]),
    /** The text to review (becomes the annotation's response). */
    output: z.string().max(LIMITS.textChars).nullable().default(null),
    /** A table to review instead of `output` (its JSON becomes the annotation's response). */
    rows: reviewRowsSchema.nullable().default(null),
    /** The fields the reviewer fills in; null for a plain approve/reject. */
    form: reviewFormSchema.nullable().default(null),
    /** Seconds until the review expires, or null to wait forever. */
    timeout: z
      .number()
      .positive('must be more than 0 seconds')
      .max(REVIEW_LIMITS.maxTimeoutSeconds, `at most ${REVIEW_LIMITS.maxTimeoutSeconds} seconds (30 days)`)
      .nullable()
      .default(REVIEW_LIMITS.defaultTimeoutSeconds),
    key: reviewKeySchema.nullable().default(null),
    /** The model that produced the output, if any. */
    model: z.string().max(LIMITS.modelChars).nullable().default(null),
    /** A link back to the run that asked (kept as the annotation's URL). */
    url: z
      .url({ protocol: /^https?$/ })
      .max(LIMITS.urlChars)
      .nullable()
      .default(null),
    metadata: reviewMetadataSchema.default({}),
    /**
     * Who asked for the review: a person or a pipeline's name, shown to the reviewer next to the
     * wait. On a team server it defaults to the user the token belongs to.
     */
    requestedBy: annotatorSchema.nullable().default(null),
  })
  .refine((request) => request.output === null || request.rows === null, {
    message: 'give output or rows, not both: the decided annotation keeps one of them as its response',
    path: ['rows'],
  });
export type ReviewRequest = z.infer<typeof reviewRequestSchema>;
export type ReviewRequestInput = z.input<typeof reviewRequestSchema>;

/** The answers a reviewer gave, validated against the form. */
export const reviewInputSchema = z.record(z.string(), formValueSchema);
export type ReviewInput = z.infer<typeof reviewInputSchema>;

/** A review as the companion returns it: the request, then its state. */
export const reviewSchema = z.strictObject({
  id: reviewIdSchema,
  key: reviewKeySchema.nullable(),
  title: z.string(),
  description: z.string(),
  messages: contextSchema,
  output: z.string().nullable(),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))).nullable(),
  form: reviewFormSchema.nullable(),
  timeout: z.number().nullable(),
  model: z.string().nullable(),
  url: z.string().nullable(),
  metadata: metadataSchema,
  /** Who asked for the review; null when the request named nobody (on a personal server). */
  requestedBy: z.string().nullable(),
  status: reviewStatusSchema,
  createdAt: isoDateTimeSchema,
  /** When a pending review expires; null if it never does. */
  expiresAt: isoDateTimeSchema.nullable(),
  resolvedAt: isoDateTimeSchema.nullable(),
  /** Who decided (approved or rejected); null otherwise. */
  reviewer: z.string().nullable(),
  /** The answers (approved: complete and valid; rejected: whatever was given); null until decided. */
  input: reviewInputSchema.nullable(),
  /** The reviewer's note, or the reason given for a cancellation. */
  comment: z.string().nullable(),
  /** The annotation that records the decision (site `review`); null unless approved or rejected. */
  annotationId: recordIdSchema.nullable(),
});
export type Review = z.infer<typeof reviewSchema>;

/** `POST /api/v1/reviews` answers 201 with a new review, or 200 with the one its key already names. */
export const reviewCreatedSchema = z.strictObject({ review: reviewSchema, created: z.boolean() });
export type ReviewCreated = z.infer<typeof reviewCreatedSchema>;

/** `GET /api/v1/reviews/:id?wait=SECONDS`: wait up to that long for a pending review to be resolved. */
export const reviewWaitQuerySchema = z.strictObject({
  wait: z
    .string()
    .regex(/^\d{1,4}(\.\d{1,3})?$/, 'must be a number of seconds')
    .transform(Number)
    .pipe(z.number().max(REVIEW_LIMITS.maxWaitSeconds, `at most ${REVIEW_LIMITS.maxWaitSeconds} seconds; poll again`))
    .default(0),
});

/** `POST /api/v1/reviews/:id/decision`. */
export const reviewDecisionSchema = z.strictObject({
  decision: z.enum(['approve', 'reject'], { error: 'must be "approve" or "reject"' }),
  /** Required (and complete) to approve a review with a form; optional and partial to reject. */
  input: z.unknown().optional(),
  reviewer: annotatorSchema,
  comment: z.string().max(LIMITS.commentChars).default(''),
});
export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;
export type ReviewDecisionInput = z.input<typeof reviewDecisionSchema>;

/** `POST /api/v1/reviews/:id/cancel`: the asking side gives up. */
export const reviewCancelSchema = z.strictObject({
  reason: z.string().max(LIMITS.commentChars).default(''),
});
export type ReviewCancel = z.input<typeof reviewCancelSchema>;

const whole = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.int().min(min).max(max));

/** `GET /api/v1/reviews?status=pending&limit=50&offset=0`. */
export const reviewListQuerySchema = z.strictObject({
  status: z.union([reviewStatusSchema, z.literal('all')]).default('pending'),
  limit: whole(1, REVIEW_LIMITS.listLimit).default(REVIEW_LIMITS.defaultListLimit),
  offset: whole(0, 1_000_000_000).default(0),
});
export type ReviewListQuery = z.infer<typeof reviewListQuerySchema>;

/** What a list shows of a review: enough for an inbox row or a badge, without the content itself. */
export const reviewSummarySchema = reviewSchema
  .pick({
    id: true,
    key: true,
    title: true,
    status: true,
    createdAt: true,
    expiresAt: true,
    resolvedAt: true,
    reviewer: true,
    requestedBy: true,
  })
  .extend({
    /** Messages, rows and form fields it holds, and whether it has an output. */
    messageCount: z.int(),
    rowCount: z.int(),
    fieldCount: z.int(),
    hasOutput: z.boolean(),
  });
export type ReviewSummary = z.infer<typeof reviewSummarySchema>;

/** Pending reviews oldest first (a queue); the others most recently resolved first. */
export const reviewListResponseSchema = z.strictObject({
  reviews: z.array(reviewSummarySchema),
  /** How many reviews have this status in all (for "50 of 120"). */
  total: z.int(),
});
export type ReviewListResponse = z.infer<typeof reviewListResponseSchema>;

/** `GET /api/v1/reviews/counts`: what the extension's badge shows. */
export const reviewCountsSchema = z.strictObject({
  pending: z.int(),
  approved: z.int(),
  rejected: z.int(),
  expired: z.int(),
  cancelled: z.int(),
  /** Long polls waiting right now. */
  waiters: z.int(),
});
export type ReviewCounts = z.infer<typeof reviewCountsSchema>;

/** Site of the annotation each decision is recorded as. */
export const REVIEW_SITE = 'review';
