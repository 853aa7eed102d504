import type { Thumb } from '../../annotation.ts';
import type { Queue, QueueAnswer } from '../../queue.ts';
import type { QueueAdjudication } from '../../queue-adjudication.ts';
import type { RubricAnswer } from '../../rubric.ts';
import type { ExportAggregate } from '../aggregates.ts';
import { normalizeWhitespace } from '../rules.ts';

export type Preferred = 'first' | 'second' | 'tie';

/** One item's answers made into one: what a campaign export writes a line from. */
export interface FinalAnswer {
  thumb: Thumb | null;
  score: number | null;
  comment: string;
  correction: string | null;
  rubric: Record<string, RubricAnswer>;
  preferred: Preferred | null;
  /** What decided it: the adjudicator's final answer, the majority (median numbers), the mean, or one answer (`all`). */
  decidedBy: 'adjudication' | 'majority' | 'mean' | 'answer';
}

/** Why an item gives no line before the export's rules look at it. */
export type AggregateSkip = 'no-majority';

/**
 * One item's final answer from its completed answers (`done`, in answer order), for every mode but
 * `all`:
 * - the thumb, the pairwise preference (over `preferred`, the item's own order) and yes-no or choice
 *   rubric questions take the most frequent value; a tie for the most frequent thumb or preference
 *   gives no line (`no-majority`), a tie on a rubric question leaves that answer out;
 * - the score and rubric numbers take the median (`majority`; two middle values are averaged) or the
 *   mean (`mean`), scores rounded to whole points;
 * - the correction is the most frequent one (compared with whitespace collapsed) among the answers on
 *   the winning side (those whose thumb or preference is the final one; all answers when the queue
 *   asks neither), ties going to the earliest answer; the comment joins the winning side's comments;
 * - `adjudicated` takes the item's final answer when an adjudicator recorded one, else `majority`.
 */
export function aggregateAnswers(
  queue: Pick<Queue, 'questions'>,
  done: readonly QueueAnswer[],
  adjudication: QueueAdjudication | undefined,
  mode: Exclude<ExportAggregate, 'all'>,
): FinalAnswer | { skip: AggregateSkip } {
  if (mode === 'adjudicated' && adjudication !== undefined) {
    const { thumb, score, comment, correction, rubric, preferred } = adjudication;
    return { thumb, score, comment, correction, rubric, preferred, decidedBy: 'adjudication' };
  }
  const numbers = mode === 'mean' ? mean : median;
  const thumb = mostFrequent(done.map((answer) => answer.thumb));
  const preferred = mostFrequent(done.map((answer) => answer.preferred));
  if (thumb === TIE || preferred === TIE) return { skip: 'no-majority' };
  const winners = done.filter(
    (answer) => (thumb === null || answer.thumb === thumb) && (preferred === null || answer.preferred === preferred),
  );
  const scores = done.flatMap((answer) => (answer.score === null ? [] : [answer.score]));
  const rubric: Record<string, RubricAnswer> = {};
  for (const question of queue.questions.rubric) {
    const given = done.flatMap((answer) => {
      const value = answer.rubric[question.id];
      return value === undefined ? [] : [value];
    });
    if (given.length === 0 || question.kind === 'text') continue;
    if (question.kind === 'number') {
      const value = numbers(given.filter((entry): entry is number => typeof entry === 'number'));
      if (value !== null) rubric[question.id] = Math.round(value * 1000) / 1000;
      continue;
    }
    const value = mostFrequent(given);
    if (value !== null && value !== TIE) rubric[question.id] = value;
  }
  const score = numbers(scores);
  return {
    thumb,
    score: score === null ? null : Math.round(score),
    comment: winners
      .map((answer) => answer.comment.trim())
      .filter((comment) => comment !== '')
      .join('\n'),
    correction: winningCorrection(winners),
    rubric,
    preferred,
    decidedBy: mode === 'mean' ? 'mean' : 'majority',
  };
}

const TIE = Symbol('tie');

/** The value given most often (nulls left out); `TIE` when two values share the top count; null when none. */
function mostFrequent<T extends string | number | boolean>(values: readonly (T | null)[]): T | null | typeof TIE {
  const counts = new Map<T, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  let tied = false;
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
      tied = false;
    } else if (count === bestCount) tied = true;
  }
  return tied ? TIE : best;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The winning side's most frequent correction; a tie goes to the one given first. */
function winningCorrection(winners: readonly QueueAnswer[]): string | null {
  const counts = new Map<string, { text: string; count: number }>();
  for (const answer of winners) {
    if (answer.correction === null || answer.correction.trim() === '') continue;
    const key = normalizeWhitespace(answer.correction);
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { text: answer.correction, count: 1 });
  }
  let best: { text: string; count: number } | null = null;
  for (const entry of counts.values()) if (best === null || entry.count > best.count) best = entry;
  return best?.text ?? null;
}
