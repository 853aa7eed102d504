import { useEffect, useState } from 'preact/hooks';
import type { Annotation } from '../../../../shared/annotation.ts';
import { API } from '../../../../shared/api/index.ts';
import {
  CONVERSATION_RATING_LABELS,
  CONVERSATION_RATING_VALUES,
  type ConversationRating,
  type ConversationRatingValue,
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
  const [mine, setMine] = useState<ConversationRating | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    api(API.conversationRatings.list, { query: { key } }, controller.signal).then(
      (value) => {
        setRatings(value.ratings);
        setMine(value.mine);
      },
      (reason: unknown) => {
        if (!controller.signal.aborted) setError(errorText(reason));
      },
    );
    return () => controller.abort();
  }, [key, version]);

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
      {ratings !== null && (
        <RateConversation key={key} conversation={key} mine={mine} onSaved={() => setVersion((n) => n + 1)} />
      )}
    </section>
  );
}

const tagList = (text: string) =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');

/**
 * The person's own rating of the conversation, set here as on the extension's conversation bar (the same
 * record, synced to the extension). A rating button saves at once with the note and tags typed below.
 */
function RateConversation(props: { conversation: string; mine: ConversationRating | null; onSaved: () => void }) {
  const [note, setNote] = useState(props.mine?.note ?? '');
  const [tags, setTags] = useState(props.mine?.tags.join(', ') ?? '');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async (rating: ConversationRatingValue | null) => {
    try {
      const answer = await api(API.conversationRatings.set, {
        body: { key: props.conversation, rating, note: note.trim(), tags: tagList(tags) },
      });
      setStatus({
        ok: true,
        text: answer.rating ? `Saved: ${CONVERSATION_RATING_LABELS[answer.rating.rating]}.` : 'Your rating is removed.',
      });
      props.onSaved();
    } catch (reason) {
      setStatus({ ok: false, text: errorText(reason) });
    }
  };
  return (
    <fieldset class="conversation-rate">
      <legend>Your rating of the whole conversation</legend>
      <div class="conversation-rate-buttons">
        {CONVERSATION_RATING_VALUES.map((value) => (
          <button
            key={value}
            type="button"
            aria-pressed={props.mine?.rating === value}
            onClick={() => void save(value)}
          >
            {CONVERSATION_RATING_LABELS[value]}
          </button>
        ))}
        {props.mine && (
          <button type="button" onClick={() => void save(null)}>
            Remove my rating
          </button>
        )}
      </div>
      <label>
        Conversation note
        <input name="conversation-note" value={note} onInput={(event) => setNote(event.currentTarget.value)} />
      </label>
      <label>
        Tags for the conversation, comma separated
        <input name="conversation-tags" value={tags} onInput={(event) => setTags(event.currentTarget.value)} />
      </label>
      {status && (
        <p role={status.ok ? 'status' : 'alert'} class={status.ok ? 'ok' : 'error'}>
          {status.text}
        </p>
      )}
    </fieldset>
  );
}
