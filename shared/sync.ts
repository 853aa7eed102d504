import { z } from 'zod';
import { type Annotation, annotationSchema } from './annotation.ts';
import { apiIssueSchema } from './api-error.ts';
import { type Comparison, comparisonSchema } from './comparison.ts';
import { type ConversationRating, conversationRatingSchema } from './conversation-rating.ts';
import { protocolRangeSchema } from './protocol.ts';

/**
 * The sync contract between the extension (or any client) and the companion. See docs/sync-protocol.md
 * for the rules behind these shapes: sequence numbers, the conflict order and tombstones; the routes
 * are in shared/api/sync.ts.
 */
export const SYNC_LIMITS = {
  /** Records (annotations + comparisons + conversation ratings) in one push. */
  maxRecordsPerPush: 1_000,
  /** Changes in one pull page. */
  maxPullLimit: 1_000,
  defaultPullLimit: 200,
} as const;

/** Names the browser profile (or importer) that pushed a version; the last tie-break of the conflict rule. */
export const deviceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1-100 letters, digits or ._:- (e.g. a UUID)');

/**
 * The envelope of a push. Records are checked one by one against their schema, so one bad record is
 * rejected on its own (with its issues) instead of blocking every good record behind it in the outbox.
 */
export const syncPushRequestSchema = z
  .strictObject({
    deviceId: deviceIdSchema,
    annotations: z.array(z.unknown()).default([]),
    comparisons: z.array(z.unknown()).default([]),
    /** Added after protocol 1 shipped: a client that sends none (an older extension) gets no results for them. */
    conversationRatings: z.array(z.unknown()).optional(),
  })
  .refine(
    (push) =>
      push.annotations.length + push.comparisons.length + (push.conversationRatings?.length ?? 0) <=
      SYNC_LIMITS.maxRecordsPerPush,
    {
      message: `at most ${SYNC_LIMITS.maxRecordsPerPush} records per push; split the batch`,
      path: ['annotations'],
    },
  );
export type SyncPushRequest = z.input<typeof syncPushRequestSchema>;

/**
 * - `accepted`: this version is now the current one and got the sequence number `seq`.
 * - `unchanged`: this exact version was already current (a replay); nothing changed.
 * - `superseded`: a version that wins the conflict rule is current (`current`); yours is kept in history.
 * - `rejected`: the record is invalid (`issues`); nothing was stored. Retrying the same record will not help.
 */
export const pushStatusSchema = z.enum(['accepted', 'unchanged', 'superseded', 'rejected']);
export type PushStatus = z.infer<typeof pushStatusSchema>;

function pushResultSchema<T extends z.ZodType>(record: T) {
  return z.strictObject({
    /** Position in the pushed array, so a client can match results even when a rejected record has no id. */
    index: z.int().min(0),
    id: z.string().nullable(),
    status: pushStatusSchema,
    /** The sequence number of the current version (accepted, unchanged and superseded). */
    seq: z.int().min(1).optional(),
    /** The winning version, when yours was superseded. */
    current: record.optional(),
    issues: z.array(apiIssueSchema).optional(),
  });
}

export const annotationPushResultSchema = pushResultSchema(annotationSchema);
export type AnnotationPushResult = z.infer<typeof annotationPushResultSchema>;
export const comparisonPushResultSchema = pushResultSchema(comparisonSchema);
export type ComparisonPushResult = z.infer<typeof comparisonPushResultSchema>;
export const conversationRatingPushResultSchema = pushResultSchema(conversationRatingSchema);
export type ConversationRatingPushResult = z.infer<typeof conversationRatingPushResultSchema>;

export const syncPushResponseSchema = z.strictObject({
  annotations: z.array(annotationPushResultSchema),
  comparisons: z.array(comparisonPushResultSchema),
  /** Present when the push carried `conversationRatings` (older clients never see it). */
  conversationRatings: z.array(conversationRatingPushResultSchema).optional(),
  /** The highest sequence number the companion has handed out so far. */
  checkpoint: z.int().min(0),
});
export type SyncPushResponse = z.infer<typeof syncPushResponseSchema>;

const wholeNumber = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a whole number')
  .transform(Number);

/** Query string of a pull: changes with a sequence number above `since`, at most `limit` of them. */
export const syncPullQuerySchema = z.strictObject({
  since: wholeNumber.pipe(z.int().min(0)).default(0),
  limit: wholeNumber.pipe(z.int().min(1).max(SYNC_LIMITS.maxPullLimit)).default(SYNC_LIMITS.defaultPullLimit),
  /**
   * `include`: the page carries `conversationRatings` too. Opt-in, because protocol-1 clients parse the
   * pull strictly and would refuse a field they do not know.
   */
  conversationRatings: z.literal('include').optional(),
});
export type SyncPullQuery = z.infer<typeof syncPullQuerySchema>;

export const syncPullResponseSchema = z.strictObject({
  /** Current versions (tombstones included) changed after `since`, in sequence order. */
  annotations: z.array(annotationSchema),
  comparisons: z.array(comparisonSchema),
  /** Only when the query asked for them (`conversationRatings=include`). */
  conversationRatings: z.array(conversationRatingSchema).optional(),
  /** Store this after applying the page, in the same local transaction, and pass it as the next `since`. */
  checkpoint: z.int().min(0),
  /** More changes wait after `checkpoint`: pull again. */
  hasMore: z.boolean(),
});
export type SyncPullResponse = z.infer<typeof syncPullResponseSchema>;

/**
 * `GET /api/v1/health`: the only route without a token; says a Margin companion is there, its version
 * and the protocols it serves, and nothing about its data. Not strict: a later companion may add a
 * field, and an extension that reads this one must still see a Margin companion.
 */
export const healthResponseSchema = z.object({
  ok: z.literal(true),
  version: z.string(),
  protocol: protocolRangeSchema,
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

export const statsResponseSchema = z.strictObject({
  annotations: z.strictObject({ live: z.int(), deleted: z.int() }),
  comparisons: z.strictObject({ live: z.int(), deleted: z.int() }),
  /** Superseded versions kept for audit. */
  history: z.int(),
  devices: z.int(),
  checkpoint: z.int(),
});
export type StatsResponse = z.infer<typeof statsResponseSchema>;

export type SyncRecord = Annotation | Comparison | ConversationRating;
