import { useEffect, useMemo, useState } from 'preact/hooks';
import { API } from '../../../../shared/api/index.ts';
import type {
  Review,
  ReviewCounts,
  ReviewListResponse,
  ReviewRow,
  ReviewStatus,
  ReviewSummary,
} from '../../../../shared/review.ts';
import {
  type FieldErrors,
  type FormDraft,
  initialDraft,
  issuesToErrors,
  validateDraft,
} from '../../../../shared/review-draft.ts';
import { ApiError, api, errorText, isAbort } from '../api.ts';
import { InboxEmpty } from '../components/inbox-empty.tsx';
import { ReviewFormFields } from '../components/review-form.tsx';
import { Bubble } from '../components/transcript.tsx';
import { formatDate } from '../format.ts';
import { renderMarkdown } from '../markdown.ts';
import type { PageProps } from '../page.ts';
import { navigate, routeHref } from '../router.ts';
import './inbox.css';

const STATUSES: Array<ReviewStatus | 'all'> = ['pending', 'approved', 'rejected', 'expired', 'cancelled', 'all'];
/** How often the list refreshes on its own: new reviews arrive from pipelines at any time. */
const LIST_REFRESH_MS = 3_000;
/** The reviewer's name is not a secret; it is remembered across tabs so it is typed once. */
const REVIEWER_KEY = 'margin.reviewer';

function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  // Safe: markdown-it with html:false escapes all raw HTML (see markdown.ts).
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

function RowsTable({ rows }: { rows: ReviewRow[] }) {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return (
    <div class="review-rows">
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              <td class="muted">{index + 1}</td>
              {columns.map((column) => (
                <td key={column}>{row[column] === undefined || row[column] === null ? '' : String(row[column])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function statusLine(review: Review): string {
  if (review.status === 'pending') {
    return review.expiresAt ? `Waiting for a decision until ${formatDate(review.expiresAt)}` : 'Waiting for a decision';
  }
  const when = review.resolvedAt ? formatDate(review.resolvedAt) : '';
  if (review.status === 'expired') return `Expired ${when} without a decision`;
  if (review.status === 'cancelled') return `Cancelled ${when}${review.comment ? `: ${review.comment}` : ''}`;
  return `${review.status === 'approved' ? 'Approved' : 'Rejected'} by ${review.reviewer} ${when}`;
}

/** One review: what to judge, the form, and approve or reject. */
function ReviewDetail({ id, onDecided }: { id: string; onDecided(): void }) {
  const [review, setReview] = useState<Review | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<FormDraft>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [reviewer, setReviewer] = useState(() => localStorage.getItem(REVIEWER_KEY) ?? '');
  const [comment, setComment] = useState('');
  const [reviewerError, setReviewerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  // Load, then long-poll: a decision elsewhere, a cancellation or the expiry shows up here at once.
  useEffect(() => {
    const controller = new AbortController();
    let first = true;
    setReview(null);
    setLoadError(null);
    setMessage(null);
    setErrors({});
    setComment('');
    (async () => {
      for (;;) {
        const current = await api(
          API.reviews.get,
          { params: { id }, query: { wait: first ? undefined : 30 } },
          controller.signal,
        );
        if (first) setDraft(initialDraft(current.form));
        first = false;
        setReview(current);
        if (current.status !== 'pending') return;
      }
    })().catch((error: unknown) => {
      if (!isAbort(error)) setLoadError(errorText(error));
    });
    return () => controller.abort();
  }, [id]);

  if (loadError) return <p class="error">{loadError}</p>;
  if (!review) return <p class="loading">Loading the review…</p>;
  const pending = review.status === 'pending';

  const submit = async (decision: 'approve' | 'reject') => {
    setMessage(null);
    const name = reviewer.trim();
    const checked = validateDraft(review.form, draft, { partial: decision === 'reject' });
    setErrors(checked.ok ? {} : checked.errors);
    setReviewerError(name === '' ? 'Give your name: it is recorded with the decision.' : null);
    if (!checked.ok || name === '') return;
    localStorage.setItem(REVIEWER_KEY, name);
    setBusy(true);
    try {
      const decided = await api(API.reviews.decide, {
        params: { id: review.id },
        body: { decision, input: checked.answers, reviewer: name, comment },
      });
      setReview(decided);
      onDecided();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'invalid_input') setErrors(issuesToErrors(error.issues));
      setMessage(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class="review-detail" aria-label={review.title} data-status={review.status}>
      <header>
        <h2>{review.title}</h2>
        <p class={`review-status status-${review.status}`} role="status">
          {statusLine(review)}
        </p>
        <p class="muted" data-review-requested>
          {review.requestedBy ? `Requested by ${review.requestedBy}` : 'Requested'} on {formatDate(review.createdAt)}
        </p>
      </header>
      {review.description && <Markdown text={review.description} />}
      {(review.messages.length > 0 || review.output !== null) && (
        <section class="transcript" aria-label="Content to review">
          {review.messages.map((message, index) => (
            <Bubble key={index} speaker={message.role} text={message.content} />
          ))}
          {review.output !== null && (
            <Bubble
              speaker="assistant"
              kind="response"
              label={`Output to review${review.model ? ` · ${review.model}` : ''}`}
              text={review.output}
            />
          )}
        </section>
      )}
      {review.rows && <RowsTable rows={review.rows} />}
      {pending ? (
        <form
          class="review-decision"
          // The shared zod schema checks the answers (and says what is wrong next to each field); the
          // browser's own bubbles would block submit with other wording, and only for some rules.
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit('approve');
          }}
        >
          {review.form && Object.keys(review.form.properties).length > 0 && (
            <ReviewFormFields form={review.form} draft={draft} errors={errors} disabled={busy} onChange={setDraft} />
          )}
          <div class="review-field">
            <label for="review-comment">Comment</label>
            <textarea
              id="review-comment"
              rows={2}
              value={comment}
              disabled={busy}
              onInput={(event) => setComment(event.currentTarget.value)}
            />
          </div>
          <div class={`review-field${reviewerError ? ' invalid' : ''}`}>
            <label for="review-reviewer">Your name</label>
            <input
              id="review-reviewer"
              value={reviewer}
              maxLength={100}
              disabled={busy}
              aria-invalid={reviewerError ? true : undefined}
              onInput={(event) => setReviewer(event.currentTarget.value)}
            />
            {reviewerError && (
              <p class="error" role="alert">
                {reviewerError}
              </p>
            )}
          </div>
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              Approve
            </button>
            <button type="button" class="danger" disabled={busy} onClick={() => void submit('reject')}>
              Reject
            </button>
          </div>
          {message && (
            <p class="error" role="alert">
              {message}
            </p>
          )}
        </form>
      ) : (
        review.input &&
        Object.keys(review.input).length > 0 && (
          <dl class="meta review-answers" aria-label="Answers">
            {Object.entries(review.input).map(([name, value]) => [
              <dt key={`${name}-t`}>{name}</dt>,
              <dd key={name}>{String(value)}</dd>,
            ])}
          </dl>
        )
      )}
      {!pending && review.comment && review.status !== 'cancelled' && <p class="muted">“{review.comment}”</p>}
    </article>
  );
}

/**
 * Reviews that pipelines are waiting on (docs/reviews.md): pending ones first, oldest first, with the
 * content, a form generated from the review's schema, and approve or reject.
 */
export function InboxPage({ route }: PageProps) {
  const status = (STATUSES as string[]).includes(route.params.get('status') ?? '')
    ? (route.params.get('status') as ReviewStatus | 'all')
    : 'pending';
  const selected = route.rest[0];
  const [list, setList] = useState<ReviewListResponse | null>(null);
  const [counts, setCounts] = useState<ReviewCounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const load = async () => {
      try {
        const [nextList, nextCounts] = await Promise.all([
          api(API.reviews.list, { query: { status, limit: 200 } }, controller.signal),
          api(API.reviews.counts, {}, controller.signal),
        ]);
        setList(nextList);
        setCounts(nextCounts);
        setError(null);
      } catch (caught) {
        if (!isAbort(caught)) setError(errorText(caught));
      }
    };
    void load();
    const timer = setInterval(() => void load(), LIST_REFRESH_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [status, refresh]);

  const href = (id?: string) => routeHref('inbox', id ? [id] : [], status === 'pending' ? undefined : { status });
  const open = (review: ReviewSummary) => navigate(href(review.id));

  return (
    <div class="inbox">
      <section class="inbox-list" aria-label="Reviews">
        <header>
          <label>
            Show{' '}
            <select
              value={status}
              onChange={(event) =>
                navigate(
                  routeHref(
                    'inbox',
                    [],
                    event.currentTarget.value === 'pending' ? undefined : { status: event.currentTarget.value },
                  ),
                )
              }
            >
              {STATUSES.map((option) => (
                <option key={option} value={option}>
                  {option}
                  {counts && option !== 'all' ? ` (${counts[option]})` : ''}
                </option>
              ))}
            </select>
          </label>
          {list && (
            <span class="muted" aria-live="polite">
              {list.total === 0
                ? status === 'pending'
                  ? 'Nothing waiting for you.'
                  : 'None.'
                : `${list.reviews.length} of ${list.total}`}
            </span>
          )}
        </header>
        {error && <p class="error">{error}</p>}
        <ul>
          {list?.reviews.map((review) => (
            <li key={review.id}>
              <a
                href={href(review.id)}
                aria-current={review.id === selected ? 'true' : undefined}
                data-review-id={review.id}
                onClick={(event) => {
                  event.preventDefault();
                  open(review);
                }}
              >
                <span class="title">{review.title}</span>
                <span class="muted">
                  {formatDate(review.createdAt)}
                  {review.requestedBy ? ` · by ${review.requestedBy}` : ''}
                  {review.rowCount > 0 ? ` · ${review.rowCount} rows` : ''}
                  {review.fieldCount > 0 ? ` · ${review.fieldCount} fields` : ''}
                  {review.status !== 'pending' ? ` · ${review.status}` : ''}
                </span>
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section class="inbox-detail">
        {selected ? (
          <ReviewDetail key={selected} id={selected} onDecided={() => setRefresh((value) => value + 1)} />
        ) : counts !== null && counts.pending === 0 ? (
          <InboxEmpty anyReviews={counts.approved + counts.rejected + counts.expired + counts.cancelled > 0} />
        ) : (
          <p class="muted">Choose a review on the left.</p>
        )}
      </section>
    </div>
  );
}
