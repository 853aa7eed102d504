import {
  type ConversationRating,
  conversationKey,
  conversationRatingSchema,
  describeIssues,
} from '../../../shared/index.ts';
import type { ConversationRatingInput, ConversationRatingState } from '../utils/conversation-rating-input.ts';
import { type SaveContext, SaveError, storageErrorMessage } from './annotations.ts';
import type { AppDB } from './app-db.ts';

/** This annotator's rating of one conversation, tombstones included (a withdrawn rating keeps its id). */
export function findConversationRating(
  db: AppDB,
  site: string,
  conversationId: string,
  annotator: string,
): Promise<ConversationRating | undefined> {
  return db.conversationRatings.where({ key: conversationKey(site, conversationId), annotator }).first();
}

export function toRatingState(rating: ConversationRating | undefined): ConversationRatingState | null {
  if (rating === undefined || rating.deletedAt !== null) return null;
  return { rating: rating.rating, note: rating.note, tags: rating.tags, revision: rating.revision };
}

/**
 * Creates or updates this annotator's one rating of a conversation (revision + 1); `rating: null`
 * withdraws it as a tombstone. The write goes through the outbox middleware like every synced table.
 */
export async function saveConversationRating(
  db: AppDB,
  input: ConversationRatingInput,
  context: Omit<SaveContext, 'defaultTags'>,
): Promise<ConversationRating | null> {
  try {
    return await db.transaction('rw', db.conversationRatings, async () => {
      const existing = await findConversationRating(db, input.site, input.conversationId, context.annotator);
      if (input.rating === null && (existing === undefined || existing.deletedAt !== null)) return null;
      const now = context.now().toISOString();
      const candidate: ConversationRating = {
        schemaVersion: 1,
        id: existing?.id ?? context.newId(),
        key: conversationKey(input.site, input.conversationId),
        site: input.site,
        conversationId: input.conversationId,
        rating: input.rating ?? existing?.rating ?? 'unclear',
        note: input.note,
        tags: [...new Set(input.tags)],
        annotator: context.annotator,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        deletedAt: input.rating === null ? now : null,
        revision: (existing?.revision ?? 0) + 1,
      };
      const parsed = conversationRatingSchema.safeParse(candidate);
      if (!parsed.success) throw new SaveError(describeIssues(parsed.error));
      await db.conversationRatings.put(parsed.data);
      return parsed.data;
    });
  } catch (error) {
    throw error instanceof SaveError ? error : new SaveError(storageErrorMessage(error));
  }
}
