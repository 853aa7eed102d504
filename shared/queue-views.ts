import { z } from 'zod';
import {
  QUEUE_LIMITS,
  queueAnswerSchema,
  queueItemSchema,
  queueLeaseSchema,
  queueSchema,
  shownOrderSchema,
  shownResponsesSchema,
} from './queue.ts';

/** What the queue routes answer (shared/api/queues.ts); the records themselves are in queue.ts. */

/** Counts over a queue's answers: `done` answers, `skipped` items, items `leased` right now. */
export const queueCountsSchema = z.strictObject({
  items: z.int(),
  /** Items with their N completed answers. */
  completeItems: z.int(),
  done: z.int(),
  skipped: z.int(),
  inProgress: z.int(),
  /** Median seconds from lease to answer, over answers given to a leased item; null before any. */
  medianSeconds: z.number().nullable(),
});
export type QueueCounts = z.infer<typeof queueCountsSchema>;

export const queueSummarySchema = z.strictObject({ queue: queueSchema, counts: queueCountsSchema });
export type QueueSummary = z.infer<typeof queueSummarySchema>;

export const queueListResponseSchema = z.strictObject({ queues: z.array(queueSummarySchema) });

/** `POST /api/v1/queues`: the queue, and how many items its filter added. */
export const queueCreatedSchema = z.strictObject({
  queue: queueSchema,
  added: z.int(),
  /** Responses the filter read (annotations that passed it), for "0 added" to make sense. */
  matched: z.int(),
});
export type QueueCreated = z.infer<typeof queueCreatedSchema>;

/** `POST /api/v1/queues/:id/items`: items new to the queue, and those whose key it already held. */
export const queueItemsAddedSchema = z.strictObject({ added: z.int(), present: z.int(), itemIds: z.array(z.string()) });
export type QueueItemsAdded = z.infer<typeof queueItemsAddedSchema>;

/**
 * One item as the caller may see it. `shown` holds a pairwise item's responses in the order this
 * caller sees them (A first); `answers` holds the answers the caller may read: their own, and in an
 * open queue (or for an admin or viewer) everyone's; a blind queue shows an annotator only their own.
 */
export const queueItemViewSchema = z.strictObject({
  item: queueItemSchema,
  shown: shownResponsesSchema.nullable(),
  shownOrder: shownOrderSchema.nullable(),
  lease: queueLeaseSchema.nullable(),
  answers: z.array(queueAnswerSchema),
});
export type QueueItemView = z.infer<typeof queueItemViewSchema>;

/** `POST /api/v1/queues/:id/next`: the item leased to the caller, or null with the reason in words. */
export const queueNextSchema = z.strictObject({
  item: queueItemViewSchema.nullable(),
  /** Items the caller could still be served after this one (not answered or skipped by them, with an open slot). */
  remaining: z.int(),
  message: z.string().nullable(),
});
export type QueueNext = z.infer<typeof queueNextSchema>;

export const queueAnswerResultSchema = z.strictObject({ answer: queueAnswerSchema });

export const annotatorProgressSchema = z.strictObject({
  name: z.string(),
  done: z.int(),
  skipped: z.int(),
  inProgress: z.int(),
  medianSeconds: z.number().nullable(),
});

/** `GET /api/v1/queues/:id/progress`: the queue's counts and each annotator's (an annotator sees only their own row). */
export const queueProgressSchema = z.strictObject({
  queueId: z.string(),
  overlap: z.int(),
  /** Answers the campaign needs in all: items × overlap. */
  target: z.int(),
  counts: queueCountsSchema,
  annotators: z.array(annotatorProgressSchema),
});
export type QueueProgress = z.infer<typeof queueProgressSchema>;

const whole = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.int().min(min).max(max));

export const queueItemListQuerySchema = z.strictObject({
  limit: whole(1, QUEUE_LIMITS.listLimit).default(100),
  offset: whole(0, 1_000_000_000).default(0),
});

/** An item in a list: enough for a table row, with its answer counts. */
export const queueItemRowSchema = z.strictObject({
  id: z.string(),
  key: z.string(),
  position: z.int(),
  done: z.int(),
  skipped: z.int(),
  leased: z.int(),
});
export const queueItemListSchema = z.strictObject({ items: z.array(queueItemRowSchema), total: z.int() });
export type QueueItemRow = z.infer<typeof queueItemRowSchema>;

/** `GET /api/v1/queues/:id/answers`: every answer and skip, for exports and adjudication (readers only). */
export const queueAnswersSchema = z.strictObject({ answers: z.array(queueAnswerSchema) });
