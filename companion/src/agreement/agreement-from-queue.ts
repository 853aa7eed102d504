import {
  type AgreementOptions,
  type AgreementReport,
  agreementReportAsync,
  type RatedResponse,
  type Rating,
} from '../../../shared/agreement/index.ts';
import type { Queue, QueueAnswer } from '../../../shared/index.ts';

/** A queue's own question: its level comes from the question, not from the answers. */
function declaredLevels(queue: Queue): string[] {
  const levels: string[] = [];
  for (const question of queue.questions.rubric) {
    if (question.kind === 'number') levels.push(`rubric:${question.id}=interval`);
    if (question.kind === 'yes-no' || question.kind === 'choice') levels.push(`rubric:${question.id}=nominal`);
  }
  if (queue.kind === 'pairwise') levels.push('rubric:preference=nominal');
  return levels;
}

/**
 * What agreement reads of one answer: the thumb, the score, the rubric answers but free text (whose
 * agreement means nothing), and a pairwise answer's preference as `rubric:preference` over the item's
 * responses (first, second, tie), so two annotators shown the sides in opposite orders who chose the
 * same response agree.
 */
function ratingOfAnswer(queue: Queue, answer: QueueAnswer): Rating {
  const rubric: Record<string, string | number | boolean> = {};
  for (const question of queue.questions.rubric) {
    const value = answer.rubric[question.id];
    if (value !== undefined && question.kind !== 'text') rubric[question.id] = value;
  }
  if (answer.preferred !== null) rubric.preference = answer.preferred;
  return { annotator: answer.annotator, thumb: answer.thumb, score: answer.score, tags: [], rubric };
}

/**
 * Agreement within a campaign queue (`margin agreement --queue ID`): the units are the queue's items,
 * the ratings its completed answers (skips are not answers), each question at its own level (numbers
 * interval, yes-no and choices nominal; `--level` may still declare a choice ordinal). `annotator`
 * and `models` apply as elsewhere; the store's other filters are about annotations and do not.
 */
export async function agreementFromQueue(
  queue: Queue,
  answers: readonly QueueAnswer[],
  options: AgreementOptions,
): Promise<AgreementReport> {
  const byItem = new Map<string, Rating[]>();
  let read = 0;
  for (const answer of answers) {
    if (answer.status !== 'done') continue;
    if (options.annotator && !options.annotator.includes(answer.annotator)) continue;
    read += 1;
    const ratings = byItem.get(answer.itemId) ?? [];
    ratings.push(ratingOfAnswer(queue, answer));
    byItem.set(answer.itemId, ratings);
  }
  const rated: RatedResponse[] = [...byItem.entries()].map(([key, ratings]) => ({ key, ratings }));
  const declared = new Set((options.level ?? []).map((text) => text.split('=')[0]));
  const level = [
    ...declaredLevels(queue).filter((text) => !declared.has(text.split('=')[0])),
    ...(options.level ?? []),
  ];
  return agreementReportAsync(
    rated,
    { ...options, level },
    read,
    () => new Promise((resolve) => setImmediate(resolve)),
  );
}
