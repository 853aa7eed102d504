import type { Queue, QueueAnswer, QueueCounts, QueueLease, QueueProgress } from '../../../shared/index.ts';

/** Seconds from lease to answer, for answers given to a leased item. */
function secondsOf(answer: QueueAnswer): number | null {
  if (answer.status !== 'done' || answer.leasedAt === null) return null;
  return Math.max(0, (Date.parse(answer.answeredAt) - Date.parse(answer.leasedAt)) / 1000);
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return Math.round(value * 10) / 10;
}

function countsOf(answers: readonly QueueAnswer[], leases: readonly QueueLease[]) {
  const seconds = answers.map(secondsOf).filter((value): value is number => value !== null);
  return {
    done: answers.filter((answer) => answer.status === 'done').length,
    skipped: answers.filter((answer) => answer.status === 'skipped').length,
    inProgress: leases.length,
    medianSeconds: median(seconds),
  };
}

/** A queue's counts from its answers and its active leases. */
export function queueCounts(
  queue: Pick<Queue, 'overlap'>,
  items: number,
  answers: readonly QueueAnswer[],
  leases: readonly QueueLease[],
): QueueCounts {
  const doneByItem = new Map<string, number>();
  for (const answer of answers)
    if (answer.status === 'done') doneByItem.set(answer.itemId, (doneByItem.get(answer.itemId) ?? 0) + 1);
  const completeItems = [...doneByItem.values()].filter((done) => done >= queue.overlap).length;
  return { items, completeItems, ...countsOf(answers, leases) };
}

/** The queue's counts and each annotator's; `only` keeps one annotator's row (what an annotator may see). */
export function queueProgress(
  queue: Queue,
  items: number,
  answers: readonly QueueAnswer[],
  leases: readonly QueueLease[],
  only?: string,
): QueueProgress {
  const names = [...new Set([...answers.map((a) => a.annotator), ...leases.map((l) => l.annotator)])]
    .filter((name) => only === undefined || name === only)
    .sort();
  if (only !== undefined && !names.includes(only)) names.push(only);
  return {
    queueId: queue.id,
    overlap: queue.overlap,
    target: items * queue.overlap,
    counts: queueCounts(queue, items, answers, leases),
    annotators: names.map((name) => ({
      name,
      ...countsOf(
        answers.filter((answer) => answer.annotator === name),
        leases.filter((lease) => lease.annotator === name),
      ),
    })),
  };
}
