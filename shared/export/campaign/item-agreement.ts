import { unitAlphas } from '../../agreement/krippendorff-alpha.ts';
import type { AgreementValue, MeasurementLevel } from '../../agreement/values.ts';
import type { Queue, QueueAnswer } from '../../queue.ts';

/**
 * How well one item's annotators agree, for `--min-agreement`: for each question the queue's
 * agreement report compares (thumb and pairwise preference nominal, the preference over the item's
 * own order; the score interval; yes-no and choice rubric questions nominal, rubric numbers
 * interval; free text never), the item's own share of Krippendorff's α (`unitAlphas`: 1 − its
 * observed disagreement over the queue's expected disagreement), and the item's agreement is the
 * lowest of them, floored at −1. null when no question has two answers on the item.
 */
export function itemAgreements(
  queue: Pick<Queue, 'questions'>,
  doneByItem: ReadonlyMap<string, readonly QueueAnswer[]>,
): Map<string, number | null> {
  const itemIds = [...doneByItem.keys()];
  const lowest = new Map<string, number | null>(itemIds.map((id) => [id, null]));
  const question = (level: MeasurementLevel, read: (answer: QueueAnswer) => AgreementValue | null | undefined) => {
    const units = itemIds.map((id) =>
      (doneByItem.get(id) ?? []).flatMap((answer) => {
        const value = read(answer);
        return value === null || value === undefined ? [] : [value];
      }),
    );
    unitAlphas(units, { level }).forEach((alpha, at) => {
      const id = itemIds[at];
      if (alpha === null || id === undefined) return;
      const current = lowest.get(id) ?? null;
      lowest.set(id, Math.max(-1, current === null ? alpha : Math.min(current, alpha)));
    });
  };
  question('nominal', (answer) => answer.thumb);
  question('interval', (answer) => answer.score);
  question('nominal', (answer) => answer.preferred);
  for (const rubric of queue.questions.rubric) {
    if (rubric.kind === 'text') continue;
    question(rubric.kind === 'number' ? 'interval' : 'nominal', (answer) => answer.rubric[rubric.id]);
  }
  return lowest;
}
