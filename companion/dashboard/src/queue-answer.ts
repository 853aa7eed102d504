import type { Queue, QueueAnswerInput } from '../../../shared/queue.ts';
import { queueAnswerIssues } from '../../../shared/queue-answer-rules.ts';
import type { RubricAnswer } from '../../../shared/rubric.ts';
import { DEFAULT_SHORTCUTS, type ShortcutAction } from '../../../shared/shortcuts.ts';

/**
 * The answer an annotator is building in the queue view, and what each key does to it: the same keys
 * and the same 0–100 scores as the extension (shared/shortcuts.ts, extension/src/annotate/keyboard.ts).
 * Nothing is sent until the submit key, so a wrong key is corrected by pressing the right one.
 */
export type AnswerDraft = QueueAnswerInput;

export const EMPTY_DRAFT: AnswerDraft = {
  thumb: null,
  score: null,
  comment: '',
  correction: null,
  rubric: {},
  preference: null,
};

/** What a key asks of the view: change the draft, or open a field, submit, skip, show the keys. */
export type KeyCommand =
  | { type: 'set'; change: Partial<AnswerDraft> }
  | { type: 'focus'; field: 'comment' | 'correction' }
  | { type: 'submit' }
  | { type: 'skip' }
  | { type: 'help' };

/** The shortcut actions the queue view answers, with what they do. */
export const QUEUE_COMMANDS: Partial<Record<ShortcutAction, KeyCommand>> = {
  thumbsUp: { type: 'set', change: { thumb: 'up' } },
  thumbsDown: { type: 'set', change: { thumb: 'down' } },
  score1: { type: 'set', change: { score: 0 } },
  score2: { type: 'set', change: { score: 25 } },
  score3: { type: 'set', change: { score: 50 } },
  score4: { type: 'set', change: { score: 75 } },
  score5: { type: 'set', change: { score: 100 } },
  comment: { type: 'focus', field: 'comment' },
  correction: { type: 'focus', field: 'correction' },
  pickA: { type: 'set', change: { preference: 'A' } },
  pickB: { type: 'set', change: { preference: 'B' } },
  pickTie: { type: 'set', change: { preference: 'tie' } },
  // "Next response" in the extension: here it leaves this item, which a queue records as a skip with a reason.
  next: { type: 'skip' },
  help: { type: 'help' },
};

/** Enter sends the answer (Ctrl+Enter from inside a text field); the shortcuts keep their single keys. */
export const SUBMIT_KEY = 'Enter';

/** The command a key press stands for in a queue of this kind, or null when the key is not ours here. */
export function commandForKey(key: string, kind: Queue['kind']): KeyCommand | null {
  if (key === SUBMIT_KEY) return { type: 'submit' };
  const action = (Object.keys(DEFAULT_SHORTCUTS) as ShortcutAction[]).find((name) => DEFAULT_SHORTCUTS[name] === key);
  if (!action) return null;
  const command = QUEUE_COMMANDS[action];
  if (!command) return null;
  // A pairwise queue asks no thumb, score or correction, a single one no preference: those keys do nothing.
  if (command.type === 'set') {
    const field = Object.keys(command.change)[0];
    if (kind === 'pairwise' && field !== 'preference') return null;
    if (kind === 'single' && field === 'preference') return null;
  }
  if (command.type === 'focus' && command.field === 'correction' && kind === 'pairwise') return null;
  return command;
}

/** Whether the queue asks a question at all (`optional` or `required`). */
export function asks(queue: Pick<Queue, 'questions'>, question: 'thumb' | 'score' | 'comment' | 'correction'): boolean {
  return queue.questions[question] !== 'off';
}

/**
 * The answer as the route takes it: empty text fields left out (an empty correction is no correction),
 * rubric answers that were cleared dropped.
 */
export function answerBody(draft: AnswerDraft): AnswerDraft {
  const rubric: Record<string, RubricAnswer> = {};
  for (const [id, value] of Object.entries(draft.rubric)) {
    if (typeof value === 'string' && value.trim() === '') continue;
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    rubric[id] = value;
  }
  const correction = draft.correction === null || draft.correction.trim() === '' ? null : draft.correction;
  return { ...draft, comment: draft.comment.trim(), correction, rubric };
}

/** What is missing or not asked, by field, with the queue's own rules (the companion checks the same). */
export function draftIssues(queue: Pick<Queue, 'kind' | 'questions'>, draft: AnswerDraft): Record<string, string> {
  return Object.fromEntries(queueAnswerIssues(queue, answerBody(draft)).map((issue) => [issue.path, issue.message]));
}

/** `3 min 20 s` left on a lease; `expired` once it has run out. */
export function leaseLeft(expiresAt: string, now: number): string {
  const left = Date.parse(expiresAt) - now;
  // Rounded up: "expired" only once the server also takes the hold as gone, never with 0.9 s left.
  if (left <= 0) return 'expired';
  const seconds = Math.ceil(left / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes === 0) return `${seconds} s`;
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
