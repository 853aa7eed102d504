import { z } from 'zod';
import { conversationRatingSchema } from '../../../shared/index.ts';

/** What the conversation bar sends to save: the conversation and the person's judgement of it. */
export const conversationRatingInputSchema = z.strictObject({
  site: conversationRatingSchema.shape.site,
  conversationId: conversationRatingSchema.shape.conversationId,
  /** The page the bar is on, checked to be a page of `site`. */
  url: z.url({ protocol: /^https?$/ }),
  /** null withdraws the rating (a tombstone, synced like any change). */
  rating: conversationRatingSchema.shape.rating.nullable(),
  note: conversationRatingSchema.shape.note,
  tags: conversationRatingSchema.shape.tags,
});
export type ConversationRatingInput = z.infer<typeof conversationRatingInputSchema>;

/** The bar's view of a saved rating. */
export interface ConversationRatingState {
  rating: z.infer<typeof conversationRatingSchema.shape.rating> | null;
  note: string;
  tags: string[];
  revision: number;
}

export type ConversationRatingResult =
  | { ok: true; enabled: boolean; state: ConversationRatingState | null }
  | { ok: false; error: string };
