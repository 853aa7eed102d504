import { useEffect, useState } from 'preact/hooks';
import type { Annotation } from '../../../../shared/annotation.ts';
import { API } from '../../../../shared/api/index.ts';
import {
  CONVERSATION_RATING_LABELS,
  type ConversationRating,
  conversationKey,
} from '../../../../shared/conversation-rating.ts';
import { api, errorText } from '../api.ts';
import { formatDate } from '../format.ts';

/**
 * How people judged the whole conversation this annotation comes from (the extension's conversation
 * bar): each annotator's live rating with its note and tags, or "Not rated". An annotator's companion
 * answers only their own.
 */
export function ConversationRatings({ annotation }: { annotation: Annotation }) {
  const key = conversationKey(annotation.site, annotation.conversationId);
  const [ratings, setRatings] = useState<ConversationRating[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    setRatings(null);
    setError(null);
    api(API.conversationRatings.list, { query: { key } }, controller.signal).then(
      (value) => setRatings(value.ratings),
      (reason: unknown) => {
        if (!controller.signal.aborted) setError(errorText(reason));
      },
    );
    return () => controller.abort();
  }, [key]);

  return (
    <section class="detail-section conversation-ratings" aria-label="Conversation rating">
      <h3>The whole conversation</h3>
      {error !== null ? (
        <p class="error">Conversation rating: {error}</p>
      ) : ratings === null ? (
        <p class="muted">Loading…</p>
      ) : ratings.length === 0 ? (
        <p class="muted">Not rated</p>
      ) : (
        <ul>
          {ratings.map((rating) => (
            <li key={rating.id} class="conversation-rating" data-rating={rating.rating}>
              <strong class="conversation-rating-value">{CONVERSATION_RATING_LABELS[rating.rating]}</strong>{' '}
              <span class="muted">
                · by {rating.annotator} · updated {formatDate(rating.updatedAt)}
              </span>
              {rating.tags.length > 0 && (
                <span class="conversation-rating-tags">
                  {rating.tags.map((tag) => (
                    <span key={tag} class="tag">
                      {tag}
                    </span>
                  ))}
                </span>
              )}
              {rating.note !== '' && <p class="conversation-rating-note">{rating.note}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
