import type { Queue } from '../../../../shared/queue.ts';
import { DEFAULT_SHORTCUTS, SHORTCUT_LABELS, type ShortcutAction } from '../../../../shared/shortcuts.ts';
import { type AnswerDraft, asks } from '../queue-answer.ts';
import { QueueRubricFields } from './queue-rubric-fields.tsx';

const key = (action: ShortcutAction) => <kbd>{DEFAULT_SHORTCUTS[action]}</kbd>;

/** The answer as built so far: each question with its key, clickable too. */
export function AnswerPanel({
  queue,
  draft,
  errors,
  busy,
  onDraft,
  refs,
}: {
  queue: Queue;
  draft: AnswerDraft;
  errors: Record<string, string>;
  busy: boolean;
  onDraft(draft: AnswerDraft): void;
  refs: { comment: { current: HTMLTextAreaElement | null }; correction: { current: HTMLTextAreaElement | null } };
}) {
  const set = (change: Partial<AnswerDraft>) => onDraft({ ...draft, ...change });
  const choice = (pressed: boolean, label: string, action: ShortcutAction, change: Partial<AnswerDraft>) => (
    <button type="button" aria-pressed={pressed} disabled={busy} onClick={() => set(change)}>
      {label} {key(action)}
    </button>
  );
  const mark = (field: string) => (errors[field] ? ' invalid' : '');
  return (
    <form class="queue-answer" aria-label="Your answer" onSubmit={(event) => event.preventDefault()}>
      {queue.kind === 'pairwise' && (
        <div class={`queue-field${mark('preference')}`} data-answer="preference" data-value={draft.preference ?? ''}>
          <span>Better response</span>
          {choice(draft.preference === 'A', 'A', 'pickA', { preference: 'A' })}
          {choice(draft.preference === 'B', 'B', 'pickB', { preference: 'B' })}
          {choice(draft.preference === 'tie', 'Tie', 'pickTie', { preference: 'tie' })}
        </div>
      )}
      {queue.kind === 'single' && asks(queue, 'thumb') && (
        <div class={`queue-field${mark('thumb')}`} data-answer="thumb" data-value={draft.thumb ?? ''}>
          <span>Thumb{queue.questions.thumb === 'required' ? ' *' : ''}</span>
          {choice(draft.thumb === 'up', '▲ Good', 'thumbsUp', { thumb: 'up' })}
          {choice(draft.thumb === 'down', '▼ Bad', 'thumbsDown', { thumb: 'down' })}
        </div>
      )}
      {queue.kind === 'single' && asks(queue, 'score') && (
        <div class={`queue-field${mark('score')}`} data-answer="score" data-value={draft.score ?? ''}>
          <span>Score{queue.questions.score === 'required' ? ' *' : ''}</span>
          {[1, 2, 3, 4, 5].map((n) =>
            choice(draft.score === (n - 1) * 25, String(n), `score${n}` as ShortcutAction, { score: (n - 1) * 25 }),
          )}
        </div>
      )}
      {asks(queue, 'comment') && (
        <div class={`queue-field${mark('comment')}`}>
          <label for="queue-answer-comment">
            Comment {key('comment')}
            {queue.questions.comment === 'required' ? ' *' : ''}
          </label>
          <textarea
            id="queue-answer-comment"
            ref={refs.comment}
            rows={2}
            value={draft.comment}
            disabled={busy}
            onInput={(event) => set({ comment: event.currentTarget.value })}
          />
        </div>
      )}
      {queue.kind === 'single' && asks(queue, 'correction') && (
        <div class={`queue-field${mark('correction')}`}>
          <label for="queue-answer-correction">
            Better response {key('correction')}
            {queue.questions.correction === 'required' ? ' *' : ''}
          </label>
          <textarea
            id="queue-answer-correction"
            ref={refs.correction}
            rows={4}
            value={draft.correction ?? ''}
            disabled={busy}
            onInput={(event) => set({ correction: event.currentTarget.value })}
          />
        </div>
      )}
      <QueueRubricFields
        questions={queue.questions.rubric}
        answers={draft.rubric}
        errors={errors}
        disabled={busy}
        prefix="answer"
        onChange={(rubric) => set({ rubric })}
      />
      <p class="muted">Ctrl+Enter sends from a text field; Escape leaves it for the keys.</p>
    </form>
  );
}

/** The keys of the queue view, for `?`. */
export function KeySheet({ kind }: { kind: Queue['kind'] }) {
  const actions: ShortcutAction[] =
    kind === 'pairwise'
      ? ['pickA', 'pickB', 'pickTie', 'comment', 'next', 'help']
      : [
          'thumbsUp',
          'thumbsDown',
          'score1',
          'score2',
          'score3',
          'score4',
          'score5',
          'comment',
          'correction',
          'next',
          'help',
        ];
  return (
    <dl class="cheat-sheet" aria-label="Keyboard shortcuts">
      {actions.map((action) => [
        <dt key={`${action}-key`}>{key(action)}</dt>,
        <dd key={action}>{action === 'next' ? 'Skip this item (with a reason)' : SHORTCUT_LABELS[action]}</dd>,
      ])}
      <dt>
        <kbd>Enter</kbd>
      </dt>
      <dd>Send the answer and get the next item</dd>
    </dl>
  );
}
