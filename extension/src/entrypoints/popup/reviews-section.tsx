import { useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import type { Review, ReviewSummary } from '../../../../shared/index.ts';
import {
  type FieldErrors,
  type FormDraft,
  initialDraft,
  issuesToErrors,
  validateDraft,
} from '../../../../shared/review-draft.ts';
import { getDb } from '../../db/connection.ts';
import {
  dashboardReviewLink,
  decideReview,
  getReview,
  pairedCompanion,
  pendingReviews,
} from '../../sync/companion-api.ts';
import type { CompanionEndpoint } from '../../sync/companion-client.ts';
import { CompanionError } from '../../sync/companion-client.ts';
import { readSettings } from '../../utils/settings.ts';
import { Markdown } from './markdown.tsx';
import { ReviewFields } from './review-fields.tsx';

/** How many pending reviews the popup lists; the rest wait in the dashboard's inbox. */
const SHOWN_REVIEWS = 4;

function problem(error: unknown): string {
  if (error instanceof CompanionError && error.kind === 'unreachable') return 'The companion is not reachable.';
  if (error instanceof CompanionError && error.kind === 'unauthorized')
    return 'The companion refused the token: update it in Options.';
  return error instanceof Error ? error.message : String(error);
}

/** "asked 5 min ago": how long a pending review has waited. */
export function waitedFor(createdAt: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(createdAt)) / 60_000));
  if (minutes < 1) return 'asked just now';
  if (minutes < 60) return `asked ${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `asked ${hours} h ago`;
  return `asked ${Math.round(hours / 24)} days ago`;
}

/** The toolbar badge: how many reviews wait (the background refreshes it after every sync too). */
function showBadge(pending: number): void {
  void browser.action.setBadgeText({ text: pending > 0 ? String(pending) : '' });
}

/**
 * Pending reviews from the companion's queue (docs/reviews.md): the list, and one review at a time
 * with its content and a form generated from its schema, checked before it is sent; approve or reject.
 * The decision is recorded under this browser's annotator name.
 */
export function ReviewsSection() {
  const [endpoint, setEndpoint] = useState<CompanionEndpoint | null | undefined>(undefined);
  const [list, setList] = useState<{ reviews: ReviewSummary[]; total: number } | null>(null);
  const [open, setOpen] = useState<Review | null>(null);
  const [draft, setDraft] = useState<FormDraft>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);
  /** Decisions are recorded under this name (the options' annotator name). */
  const [reviewer, setReviewer] = useState('');

  async function refresh(target: CompanionEndpoint) {
    try {
      const answer = await pendingReviews(target);
      setList(answer);
      showBadge(answer.total);
    } catch (error) {
      // No review queue on this companion (an older one) is not worth a warning.
      if (error instanceof CompanionError && error.details.status === 404) return setList(null);
      setNote({ error: true, text: `Reviews: ${problem(error)}` });
    }
  }

  useEffect(() => {
    void readSettings().then((settings) => setReviewer(settings.annotator));
    void pairedCompanion(getDb()).then((found) => {
      setEndpoint(found);
      if (found) void refresh(found);
    });
  }, []);

  if (!endpoint || (!list && !note)) return null;

  async function openReview(id: string) {
    if (!endpoint) return;
    setBusy(true);
    setNote(null);
    try {
      const review = await getReview(endpoint, id);
      setOpen(review);
      setDraft(initialDraft(review.form));
      setErrors({});
      setComment('');
    } catch (error) {
      setNote({ error: true, text: problem(error) });
    } finally {
      setBusy(false);
    }
  }

  /** Opens the review in the dashboard's inbox, signed in through a one-time link. */
  async function openInDashboard(id: string) {
    if (!endpoint) return;
    setNote(null);
    try {
      await browser.tabs.create({ url: await dashboardReviewLink(endpoint, id) });
    } catch (error) {
      setNote({ error: true, text: `Could not open the dashboard: ${problem(error)}` });
    }
  }

  async function decide(decision: 'approve' | 'reject') {
    if (!endpoint || !open) return;
    const checked = validateDraft(open.form, draft, { partial: decision === 'reject' });
    if (!checked.ok) {
      setErrors(checked.errors);
      setNote({ error: true, text: 'Some answers do not fit the form: see the fields.' });
      return;
    }
    setBusy(true);
    try {
      const { annotator } = await readSettings();
      await decideReview(endpoint, open.id, { decision, input: checked.answers, reviewer: annotator, comment });
      setNote({ error: false, text: `${decision === 'approve' ? 'Approved' : 'Rejected'}: ${open.title}` });
      setOpen(null);
      await refresh(endpoint);
    } catch (error) {
      if (error instanceof CompanionError && error.details.issues) setErrors(issuesToErrors(error.details.issues));
      setNote({ error: true, text: problem(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="reviews-heading" class="reviews">
      <h2 id="reviews-heading">
        Reviews{' '}
        {list && list.total > 0 && (
          <span class="badge" data-reviews-pending>
            {list.total}
          </span>
        )}
        {list && list.total > 0 && reviewer && (
          <span class="review-age" data-reviewer title="Decisions are recorded under the annotator name in Options">
            {' '}
            you decide as {reviewer}
          </span>
        )}
      </h2>
      {note && (
        <p class={note.error ? 'error' : 'review-done'} data-reviews-note>
          {note.text}
        </p>
      )}
      {!open && list && (
        <>
          {list.total === 0 && <p class="hint">No review waits for you.</p>}
          <ul class="review-list">
            {list.reviews.slice(0, SHOWN_REVIEWS).map((review) => (
              <li key={review.id}>
                <button type="button" disabled={busy} onClick={() => void openReview(review.id)}>
                  {review.title}{' '}
                  <span class="review-age" data-review-asked>
                    {waitedFor(review.createdAt)}
                    {review.requestedBy ? ` by ${review.requestedBy}` : ''}
                  </span>
                </button>
                <button
                  type="button"
                  class="open-in-dashboard"
                  disabled={busy}
                  // An arrow keeps one line per review in the narrow popup; the name and tooltip say where it goes.
                  aria-label="Open in dashboard"
                  title={`Open “${review.title}” in the dashboard's inbox`}
                  onClick={() => void openInDashboard(review.id)}
                >
                  ↗
                </button>
              </li>
            ))}
          </ul>
          {list.total > SHOWN_REVIEWS && (
            <p class="hint" data-reviews-more>
              {list.total - SHOWN_REVIEWS} more in the dashboard's inbox.
            </p>
          )}
        </>
      )}
      {open && (
        <form
          class="review"
          aria-label={`Review: ${open.title}`}
          // The shared schema checks the answers (with messages per field), not the browser's bubbles.
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void decide('approve');
          }}
        >
          <h3>{open.title}</h3>
          {open.description && <Markdown text={open.description} />}
          {open.messages.length > 0 && (
            <ol class="review-messages">
              {open.messages.map((message, index) => (
                <li key={index}>
                  <strong>{message.role}</strong>
                  <Markdown text={message.content} />
                </li>
              ))}
            </ol>
          )}
          {open.output !== null && <pre class="review-text review-output">{open.output}</pre>}
          {open.rows && open.rows.length > 0 && (
            <table class="review-rows">
              <thead>
                <tr>
                  {Object.keys(open.rows[0] ?? {}).map((column) => (
                    <th key={column}>{column}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {open.rows.map((row, index) => (
                  <tr key={index}>
                    {Object.keys(open.rows?.[0] ?? {}).map((column) => (
                      <td key={column}>{String(row[column] ?? '')}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {open.form && (
            <ReviewFields
              form={open.form}
              draft={draft}
              errors={errors}
              disabled={busy}
              onChange={(name, value) => {
                setDraft({ ...draft, [name]: value });
                setErrors({ ...errors, [name]: '' });
              }}
            />
          )}
          <label class="review-comment">
            Comment (optional)
            <input
              type="text"
              value={comment}
              disabled={busy}
              onInput={(event) => setComment(event.currentTarget.value)}
            />
          </label>
          <div class="review-actions">
            <button type="submit" disabled={busy}>
              Approve
            </button>{' '}
            <button type="button" disabled={busy} onClick={() => void decide('reject')}>
              Reject
            </button>{' '}
            <button type="button" disabled={busy} onClick={() => setOpen(null)}>
              Back
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
