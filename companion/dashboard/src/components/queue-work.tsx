import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { API } from '../../../../shared/api/index.ts';
import type { Queue } from '../../../../shared/queue.ts';
import type { QueueItemView } from '../../../../shared/queue-views.ts';
import { DEFAULT_SHORTCUTS, type ShortcutAction } from '../../../../shared/shortcuts.ts';
import { ApiError, api, errorText } from '../api.ts';
import { formatCount, thumbLabel } from '../format.ts';
import {
  type AnswerDraft,
  answerBody,
  commandForKey,
  draftIssues,
  EMPTY_DRAFT,
  leaseLeft,
  SUBMIT_KEY,
} from '../queue-answer.ts';
import { routeHref } from '../router.ts';
import { Notices } from './notices.tsx';
import { AnswerPanel, KeySheet } from './queue-answer-panel.tsx';
import { Bubble, Context } from './transcript.tsx';

const REFUSALS: Record<string, string> = {
  queue_item_held: 'Your lease ran out and someone else holds this item now',
  queue_item_complete: 'This item already has all the answers it needs',
  queue_item_answered: 'You have already answered or skipped this item (in another tab?)',
};

function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  if (element.isContentEditable) return true;
  const tag = element.localName;
  if (tag === 'textarea' || tag === 'select') return true;
  return tag === 'input' && !['button', 'submit', 'checkbox', 'radio'].includes((element as HTMLInputElement).type);
}

const key = (action: ShortcutAction) => <kbd>{DEFAULT_SHORTCUTS[action]}</kbd>;

/**
 * Working a queue: one leased item on screen, its conversation as a transcript, answered from the
 * keyboard with the extension's keys; Enter sends, `j` skips with a reason, and either leases the next.
 */
export function QueueWork({ queue, me }: { queue: Queue; me: string }) {
  const [view, setView] = useState<QueueItemView | null>(null);
  const [remaining, setRemaining] = useState<number | null>(null);
  const [empty, setEmpty] = useState<string | null>(null);
  const [draft, setDraft] = useState<AnswerDraft>(EMPTY_DRAFT);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<string | null>(null);
  const [alert, setAlert] = useState<string | null>(null);
  const [skipping, setSkipping] = useState(false);
  const [reason, setReason] = useState('');
  const [help, setHelp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const commentBox = useRef<HTMLTextAreaElement>(null);
  const correctionBox = useRef<HTMLTextAreaElement>(null);
  const reasonBox = useRef<HTMLInputElement>(null);
  const answered = useRef(0);

  const next = async () => {
    const served = await api(API.queues.next, { params: { id: queue.id }, body: {} });
    setView(served.item);
    setRemaining(served.remaining);
    setEmpty(served.item ? null : (served.message ?? 'Nothing left for you in this queue.'));
    setDraft(EMPTY_DRAFT);
    setErrors({});
    setSkipping(false);
    setReason('');
  };

  const act = async (work: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setAlert(null);
    try {
      await work();
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        // The answer is lost with the item: say so, and move on to work that can still be done.
        setAlert(`Not saved: ${REFUSALS[error.code] ?? error.message}. Here is your next item.`);
        await next().catch((again: unknown) => setAlert(errorText(again)));
      } else setAlert(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    void act(next);
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [queue.id]);

  const submit = () =>
    act(async () => {
      if (!view) return;
      const problems = draftIssues(queue, draft);
      setErrors(problems);
      if (Object.keys(problems).length > 0) {
        setAlert(`Not sent: ${Object.values(problems).join('; ')}.`);
        return;
      }
      await api(API.queues.answer, { params: { id: queue.id, itemId: view.item.id }, body: answerBody(draft) });
      answered.current += 1;
      setStatus(`Saved your answer (${formatCount(answered.current)} this session).`);
      await next();
    });

  const skip = () =>
    act(async () => {
      if (!view) return;
      if (reason.trim() === '') {
        setErrors({ reason: 'say why you skip it' });
        reasonBox.current?.focus();
        return;
      }
      await api(API.queues.skip, { params: { id: queue.id, itemId: view.item.id }, body: { reason } });
      setStatus('Skipped; the item goes to someone else.');
      await next();
    });

  const openSkip = () => {
    setSkipping(true);
    setTimeout(() => reasonBox.current?.focus());
  };

  // A layout effect, so the listener holding this render's draft is in place the moment the draft is
  // on screen: with a plain effect, an Enter typed right after `+` still saw the draft without the
  // thumb and was refused as "thumb required".
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.altKey || event.isComposing) return;
      if (isTyping(event.target)) {
        const target = event.target as HTMLElement;
        if (event.key === 'Escape') {
          target.blur();
          if (target === reasonBox.current) setSkipping(false);
        } else if (event.key === SUBMIT_KEY && target === reasonBox.current) {
          event.preventDefault();
          void skip();
        } else if (event.key === SUBMIT_KEY && event.ctrlKey) {
          event.preventDefault();
          void submit();
        }
        return;
      }
      if (event.ctrlKey || !view) return;
      const command = commandForKey(event.key, queue.kind);
      if (!command) return;
      // Enter on a button is the button's own click (Skip, Next…), not "send".
      if (command.type === 'submit' && (event.target as HTMLElement | null)?.localName === 'button') return;
      event.preventDefault();
      if (command.type === 'set') setDraft((current) => ({ ...current, ...command.change }));
      else if (command.type === 'focus') {
        if (command.field === 'correction' && draft.correction === null)
          setDraft((current) => ({ ...current, correction: view.item.response ?? '' }));
        setTimeout(() => (command.field === 'comment' ? commentBox : correctionBox).current?.focus());
      } else if (command.type === 'submit') void submit();
      else if (command.type === 'skip') openSkip();
      else setHelp((open) => !open);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const lease = view?.lease ?? null;
  const others = view && !queue.blind ? view.answers.filter((answer) => answer.annotator !== me) : [];
  return (
    <div class="queue-work" data-queue={queue.id} data-kind={queue.kind}>
      <header class="queue-work-header">
        <h2>
          <a href={routeHref('queues', [queue.id])}>{queue.name}</a>
        </h2>
        <p class="muted" data-remaining={remaining ?? ''}>
          {remaining === null ? 'Loading…' : `${formatCount(remaining)} more after this one`}
          {busy ? ' · sending…' : ''}
        </p>
        {lease &&
          (leaseLeft(lease.expiresAt, now) === 'expired' ? (
            <p class="lease expired" data-lease-expires={lease.expiresAt}>
              Your hold ran out at {new Date(lease.expiresAt).toLocaleTimeString()}: someone else may take this item,
              and your answer is refused if they fill it first.
            </p>
          ) : (
            <p class="lease" data-lease-expires={lease.expiresAt}>
              Held for you until {new Date(lease.expiresAt).toLocaleTimeString()} ({leaseLeft(lease.expiresAt, now)}{' '}
              left)
            </p>
          ))}
      </header>
      {queue.description && <p class="queue-instructions">{queue.description}</p>}
      <Notices error={alert} notice={status} testId="queue-status" />
      {empty && (
        <section class="empty" data-queue-empty>
          <p>{empty}</p>
          <button type="button" onClick={() => void act(next)}>
            Look again
          </button>{' '}
          <a href={routeHref('queues')}>Back to the queues</a>
        </section>
      )}
      {view && (
        <article class="queue-item" data-item-id={view.item.id} aria-label="Item to judge">
          <Context context={view.item.messages} />
          {view.shown ? (
            <section class="transcript pair" aria-label="Responses to compare">
              {view.shown.map((side) => (
                <div key={side.side} class="side" data-side={side.side} data-picked={draft.preference === side.side}>
                  <Bubble speaker="assistant" kind="response" label={`Response ${side.side}`} text={side.text} />
                </div>
              ))}
            </section>
          ) : (
            <section class="transcript" aria-label="Response to judge">
              <Bubble
                speaker="assistant"
                kind="response"
                label={`Response${view.item.model ? ` · ${view.item.model}` : ''}`}
                text={view.item.response ?? ''}
              />
            </section>
          )}
          <AnswerPanel
            queue={queue}
            draft={draft}
            errors={errors}
            busy={busy}
            onDraft={setDraft}
            refs={{ comment: commentBox, correction: correctionBox }}
          />
          <div class="actions">
            <button type="button" class="primary" disabled={busy} onClick={() => void submit()}>
              Send <kbd>Enter</kbd>
            </button>
            <button type="button" disabled={busy} onClick={openSkip}>
              Skip {key('next')}
            </button>
          </div>
          {skipping && (
            <div class={`queue-field skip-reason${errors.reason ? ' invalid' : ''}`}>
              <label for="queue-skip-reason">Why skip it? (Enter skips, Escape goes back)</label>
              <input
                id="queue-skip-reason"
                ref={reasonBox}
                value={reason}
                maxLength={2000}
                onInput={(event) => setReason(event.currentTarget.value)}
              />
              {errors.reason && <p class="error">{errors.reason}</p>}
            </div>
          )}
          {others.length > 0 && (
            <section class="other-answers" aria-label="Other annotators' answers">
              <h3>Other answers (open queue)</h3>
              <ul>
                {others.map((answer) => (
                  <li key={answer.annotator} data-annotator={answer.annotator}>
                    <strong>{answer.annotator}</strong>:{' '}
                    {answer.status === 'skipped' ? `skipped (${answer.reason})` : ''}
                    {thumbLabel(answer.thumb)} {answer.score ?? ''} {answer.preference ?? ''} {answer.comment}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </article>
      )}
      {help && <KeySheet kind={queue.kind} />}
      <p class="muted">Press {key('help')} for the keys.</p>
    </div>
  );
}
