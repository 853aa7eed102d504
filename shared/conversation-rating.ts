import { z } from 'zod';
import { siteIdSchema, tagSchema } from './annotation.ts';
import {
  CONVERSATION_RATING_LABELS,
  CONVERSATION_RATING_VALUES,
  type ConversationRatingValue,
} from './conversation-rating-values.ts';
import { annotatorSchema, isoDateTimeSchema, recordIdSchema } from './fields.ts';
import { LIMITS } from './limits.ts';

/** How a person judged a whole conversation, beside the ratings of its single responses. */
export const conversationRatingValueSchema = z.enum(CONVERSATION_RATING_VALUES);
export { CONVERSATION_RATING_LABELS, CONVERSATION_RATING_VALUES, type ConversationRatingValue };

/** The key that names one conversation: one rating per key per annotator. */
export function conversationKey(site: string, conversationId: string): string {
  return `${site}:${conversationId}`;
}

/**
 * One person's judgement of a whole conversation. Synced like comparisons: `deletedAt` is a tombstone
 * and `revision` grows with every change, so the conflict rule orders versions from several devices.
 * `key` is `conversationKey(site, conversationId)`.
 */
export const conversationRatingSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    id: recordIdSchema,
    key: z.string().min(1).max(LIMITS.keyChars),
    site: siteIdSchema,
    conversationId: recordIdSchema,
    rating: conversationRatingValueSchema,
    note: z.string().max(LIMITS.commentChars),
    tags: z.array(tagSchema).max(LIMITS.tags),
    annotator: annotatorSchema,
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
    deletedAt: isoDateTimeSchema.nullable(),
    revision: z.int().min(1),
  })
  .refine((rating) => rating.key === conversationKey(rating.site, rating.conversationId), {
    message: 'key must be "<site>:<conversationId>"',
    path: ['key'],
  });
export type ConversationRating = z.infer<typeof conversationRatingSchema>;

/** What an export says about a conversation rating (`raw`'s `conversationRating`, the sidecar): the judgement, not the sync bookkeeping. */
export const conversationRatingSummarySchema = z.strictObject({
  rating: conversationRatingValueSchema,
  note: z.string().max(LIMITS.commentChars),
  tags: z.array(tagSchema).max(LIMITS.tags),
  annotator: annotatorSchema,
  id: recordIdSchema,
  updatedAt: isoDateTimeSchema,
});
export type ConversationRatingSummary = z.infer<typeof conversationRatingSummarySchema>;

export function conversationRatingSummary(rating: ConversationRating): ConversationRatingSummary {
  return {
    rating: rating.rating,
    note: rating.note,
    tags: rating.tags,
    annotator: rating.annotator,
    id: rating.id,
    updatedAt: rating.updatedAt,
  };
}

/**
 * The rating that speaks for a conversation when an annotation of it is exported or listed: the live
 * rating by the annotation's own annotator, the latest one when several devices made one each.
 */
export function conversationRatingIndexKey(key: string, annotator: string): string {
  return `${key}\u0000${annotator}`;
}

/** Indexes live ratings by conversation and annotator, the latest `updatedAt` winning. */
export function indexConversationRatings(ratings: Iterable<ConversationRating>): Map<string, ConversationRating> {
  const index = new Map<string, ConversationRating>();
  for (const rating of ratings) {
    if (rating.deletedAt !== null) continue;
    const at = conversationRatingIndexKey(rating.key, rating.annotator);
    const known = index.get(at);
    if (known === undefined || Date.parse(known.updatedAt) < Date.parse(rating.updatedAt)) index.set(at, rating);
  }
  return index;
}

/** `GET /api/v1/conversation-ratings?key=<site>:<conversationId>`: which conversation's ratings to list. */
export const conversationRatingsQuerySchema = z.strictObject({
  key: z
    .string()
    .min(3)
    .max(LIMITS.keyChars)
    .regex(/^[^:]+:.+$/, 'key must be "<site>:<conversationId>"'),
});
export type ConversationRatingsQuery = z.infer<typeof conversationRatingsQuerySchema>;

/** The conversation's live ratings, every annotator's the caller may see, the latest change first. */
export const conversationRatingsResponseSchema = z.strictObject({
  ratings: z.array(conversationRatingSchema),
  /** The caller's own live rating, to start the dashboard's form from (the personal owner's: the extension's annotator's). */
  mine: conversationRatingSchema.nullable(),
});
export type ConversationRatingsResponse = z.infer<typeof conversationRatingsResponseSchema>;

/**
 * `POST /api/v1/conversation-ratings`: the caller's own rating of a conversation, set from the dashboard.
 * `rating: null` withdraws it. The server decides who the caller is and keeps the record's id and revisions.
 */
export const conversationRatingSetSchema = z.strictObject({
  // A rating is made from it: its site part must be a site id, its conversation part an id.
  key: conversationRatingsQuerySchema.shape.key.refine((key) => {
    const at = key.indexOf(':');
    return siteIdSchema.safeParse(key.slice(0, at)).success && recordIdSchema.safeParse(key.slice(at + 1)).success;
  }, 'key must be "<site>:<conversationId>" with a site id such as "chatgpt" (lowercase letters, digits, -)'),
  rating: conversationRatingValueSchema.nullable(),
  note: z.string().max(LIMITS.commentChars).default(''),
  tags: z.array(tagSchema).max(LIMITS.tags).default([]),
});
export type ConversationRatingSet = z.infer<typeof conversationRatingSetSchema>;

/** The caller's rating after the change: `null` once withdrawn (or when there was none to withdraw). */
export const conversationRatingSetResponseSchema = z.strictObject({ rating: conversationRatingSchema.nullable() });
export type ConversationRatingSetResponse = z.infer<typeof conversationRatingSetResponseSchema>;
