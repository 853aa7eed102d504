import { useEffect, useState } from 'preact/hooks';
import { API } from '../../../../shared/api/index.ts';
import type { Queue } from '../../../../shared/queue.ts';
import {
  type DisagreementItem,
  type QueueAdjudicationInput,
  type QueueDisagreements,
  queueAdjudicationIssues,
} from '../../../../shared/queue-adjudication.ts';
import { ApiError, api, errorText } from '../api.ts';
import { formatDate, thumbLabel } from '../format.ts';
import { answerBody, asks } from '../queue-answer.ts';
import { Notices } from './notices.tsx';
import { QueueRubricFields } from './queue-rubric-fields.tsx';
import { Bubble, Context } from './transcript.tsx';

const value = (answer: unknown) =>
  answer === null || answer === undefined || answer === ''
    ? '—'
    : typeof answer === 'boolean'
      ? answer
        ? 'yes'
        : 'no'
      : String(answer);

/**
 * Settling disagreements (admins): the items whose answers disagree, most disputed first, every
 * label side by side with its annotator's name, and a form for the final answer, stored apart from
 * the annotators' answers.
 */
export function QueueAdjudication({ queue }: { queue: Queue }) {
  const [threshold, setThreshold] = useState('20');
  const [list, setList] = useState<QueueDisagreements | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = () =>
    api(API.queues.disagreements, { params: { id: queue.id }, query: { threshold } }).then(
      (answer) => {
        setList(answer);
        setError(null);
      },
      (reason: unknown) => setError(errorText(reason)),
    );
  useEffect(() => {
    void load();
  }, [queue.id, threshold]);

  return (
    <section class="queue-adjudication" aria-labelledby="queue-adjudication-heading">
      <h3 id="queue-adjudication-heading">Disagreements</h3>
      <label>
        Scores disagree when they spread more than{' '}
        <input
          type="number"
          min={0}
          max={100}
          value={threshold}
          class="narrow"
          onChange={(event) => setThreshold(event.currentTarget.value)}
        />{' '}
        points
      </label>
      <Notices error={error} notice={notice} />
      {list && (
        <p class="muted" data-disagreements={list.items.length}>
          {list.items.length} of {list.compared} items with two or more answers disagree.
        </p>
      )}
      {list?.items.map((entry) => (
        <DisputedItem
          key={entry.item.id}
          queue={queue}
          entry={entry}
          onDecided={(replaced) => {
            setNotice(replaced ? 'Final answer replaced.' : 'Final answer saved.');
            void load();
          }}
        />
      ))}
    </section>
  );
}

function DisputedItem({
  queue,
  entry,
  onDecided,
}: {
  queue: Queue;
  entry: DisagreementItem;
  onDecided(replaced: boolean): void;
}) {
  const { item, answers, questions, adjudication } = entry;
  const disputed = new Set(questions.map((question) => question.question));
  const columns: Array<[string, string]> = [
    ...(queue.kind === 'pairwise' ? [['preference', 'Preferred'] as [string, string]] : []),
    ...(asks(queue, 'thumb') ? [['thumb', 'Thumb'] as [string, string]] : []),
    ...(asks(queue, 'score') ? [['score', 'Score'] as [string, string]] : []),
    ...queue.questions.rubric.map((question) => [`rubric.${question.id}`, question.label] as [string, string]),
    ...(asks(queue, 'comment') ? [['comment', 'Comment'] as [string, string]] : []),
    ...(asks(queue, 'correction') ? [['correction', 'Correction'] as [string, string]] : []),
  ];
  const cell = (answer: DisagreementItem['answers'][number], column: string) => {
    if (column === 'preference') return answer.preferred ?? '—';
    if (column === 'thumb') return thumbLabel(answer.thumb) || '—';
    if (column.startsWith('rubric.')) return value(answer.rubric[column.slice(7)]);
    return value(answer[column as 'score' | 'comment' | 'correction']);
  };
  return (
    <article class="disputed-item" data-item-id={item.id} aria-label={`Disputed item ${item.position}`}>
      <header>
        <h4>
          Item {item.position} <span class="muted">· disputed: {[...disputed].join(', ')}</span>
        </h4>
      </header>
      <Context context={item.messages} />
      {item.responses ? (
        <section class="transcript pair" aria-label="Responses">
          <Bubble speaker="assistant" kind="response" label="First response" text={item.responses[0].text} />
          <Bubble speaker="assistant" kind="response" label="Second response" text={item.responses[1].text} />
        </section>
      ) : (
        <section class="transcript" aria-label="Response">
          <Bubble speaker="assistant" kind="response" label="Response" text={item.response ?? ''} />
        </section>
      )}
      <table class="admin-table labels" aria-label="Every label">
        <thead>
          <tr>
            <th scope="col">Annotator</th>
            {columns.map(([id, label]) => (
              <th key={id} scope="col" class={disputed.has(id) ? 'disputed' : undefined}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {answers.map((answer) => (
            <tr key={answer.annotator} data-annotator={answer.annotator}>
              <td>{answer.annotator}</td>
              {columns.map(([id]) => (
                <td key={id} data-column={id}>
                  {cell(answer, id)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {adjudication && (
        <p class="ok" data-final-by={adjudication.adjudicator}>
          Final answer set by {adjudication.adjudicator} on {formatDate(adjudication.decidedAt)}:{' '}
          {thumbLabel(adjudication.thumb)} {adjudication.score ?? ''} {adjudication.preferred ?? ''}{' '}
          {adjudication.correction ? '(with a correction)' : ''}
        </p>
      )}
      <FinalAnswerForm queue={queue} entry={entry} onDecided={onDecided} />
    </article>
  );
}

function FinalAnswerForm({
  queue,
  entry,
  onDecided,
}: {
  queue: Queue;
  entry: DisagreementItem;
  onDecided(replaced: boolean): void;
}) {
  const start = entry.adjudication;
  const [draft, setDraft] = useState<QueueAdjudicationInput>({
    thumb: start?.thumb ?? null,
    score: start?.score ?? null,
    comment: start?.comment ?? '',
    correction: start?.correction ?? null,
    rubric: start?.rubric ?? {},
    preferred: start?.preferred ?? null,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<QueueAdjudicationInput>) => setDraft((current) => ({ ...current, ...change }));
  const prefix = `final-${entry.item.id}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    const { preference: _shownSide, ...cleaned } = answerBody({ ...draft, preference: null });
    const body: QueueAdjudicationInput = { ...cleaned, preferred: draft.preferred };
    const problems = Object.fromEntries(
      queueAdjudicationIssues(queue, body).map((issue) => [issue.path, issue.message]),
    );
    setErrors(problems);
    if (Object.keys(problems).length > 0) {
      setMessage(`Not saved: ${Object.values(problems).join('; ')}.`);
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const decided = await api(API.queues.adjudicate, {
        params: { id: queue.id, itemId: entry.item.id },
        body,
      });
      onDecided(decided.replaced !== null);
    } catch (error) {
      if (error instanceof ApiError)
        setErrors(Object.fromEntries(error.issues.map((issue) => [issue.path, issue.message])));
      setMessage(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="final-answer" aria-label={`Final answer for item ${entry.item.position}`} onSubmit={submit} noValidate>
      {queue.kind === 'pairwise' && (
        <label>
          Final preference{' '}
          <select
            value={draft.preferred ?? ''}
            onChange={(event) =>
              set({ preferred: (event.currentTarget.value || null) as QueueAdjudicationInput['preferred'] })
            }
          >
            <option value="">—</option>
            <option value="first">First response</option>
            <option value="second">Second response</option>
            <option value="tie">Tie</option>
          </select>
        </label>
      )}
      {asks(queue, 'thumb') && (
        <label>
          Final thumb{' '}
          <select
            value={draft.thumb ?? ''}
            onChange={(event) => set({ thumb: (event.currentTarget.value || null) as QueueAdjudicationInput['thumb'] })}
          >
            <option value="">—</option>
            <option value="up">▲ up</option>
            <option value="down">▼ down</option>
          </select>
        </label>
      )}
      {asks(queue, 'score') && (
        <label>
          Final score{' '}
          <input
            type="number"
            min={0}
            max={100}
            class="narrow"
            value={draft.score ?? ''}
            onInput={(event) =>
              set({ score: event.currentTarget.value === '' ? null : Math.round(Number(event.currentTarget.value)) })
            }
          />
        </label>
      )}
      {asks(queue, 'comment') && (
        <label>
          Final comment{' '}
          <textarea rows={1} value={draft.comment} onInput={(event) => set({ comment: event.currentTarget.value })} />
        </label>
      )}
      {asks(queue, 'correction') && (
        <label>
          Final correction{' '}
          <textarea
            rows={3}
            value={draft.correction ?? ''}
            onInput={(event) => set({ correction: event.currentTarget.value })}
          />
        </label>
      )}
      <QueueRubricFields
        questions={queue.questions.rubric}
        answers={draft.rubric}
        errors={errors}
        disabled={busy}
        prefix={prefix}
        onChange={(rubric) => set({ rubric })}
      />
      <button type="submit" class="primary" disabled={busy}>
        {entry.adjudication ? 'Replace the final answer' : 'Set the final answer'}
      </button>
      {message && (
        <p role="alert" class="error">
          {message}
        </p>
      )}
    </form>
  );
}
