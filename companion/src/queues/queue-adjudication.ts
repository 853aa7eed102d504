import {
  byDisagreement,
  type DisagreementItem,
  itemDisagreements,
  type Queue,
  type QueueAdjudicated,
  type QueueAdjudicationInput,
  type QueueAnswer,
  type QueueDisagreements,
  queueAdjudicationIssues,
} from '../../../shared/index.ts';
import type { QueueStore } from '../storage/queue-store.ts';
import { HttpError } from '../support/http-error.ts';

/**
 * The queue's items whose completed answers disagree (shared/queue-adjudication.ts says when), most
 * disputed first, each with every completed answer and its annotator's name, and the final answer if
 * one was recorded. For admins only: the route allows no one else, so a blind queue stays blind.
 */
export async function queueDisagreements(
  store: QueueStore,
  queue: Queue,
  threshold: number,
): Promise<QueueDisagreements> {
  const [answers, adjudications] = await Promise.all([store.answers(queue.id), store.adjudications(queue.id)]);
  const byItem = new Map<string, QueueAnswer[]>();
  for (const answer of answers) {
    if (answer.status !== 'done') continue;
    byItem.set(answer.itemId, [...(byItem.get(answer.itemId) ?? []), answer]);
  }
  const decided = new Map(adjudications.map((adjudication) => [adjudication.itemId, adjudication]));
  const items: DisagreementItem[] = [];
  let compared = 0;
  for (const [itemId, given] of byItem) {
    if (given.length < 2) continue;
    compared += 1;
    const questions = itemDisagreements(queue, given, threshold);
    if (questions.length === 0) continue;
    const item = await store.getItem(queue.id, itemId);
    if (item === undefined) continue;
    items.push({ item, answers: given, questions, adjudication: decided.get(itemId) ?? null });
  }
  return { queueId: queue.id, threshold, compared, items: items.sort(byDisagreement) };
}

/** Records an item's final answer, checked against the queue's questions; replaces an earlier one. */
export async function adjudicateItem(
  store: QueueStore,
  queue: Queue,
  itemId: string,
  input: QueueAdjudicationInput,
  adjudicator: string,
  now: Date,
): Promise<QueueAdjudicated> {
  if ((await store.getItem(queue.id, itemId)) === undefined)
    throw new HttpError(404, 'queue_item_not_found', `Queue "${queue.id}" has no item ${itemId}.`);
  const issues = queueAdjudicationIssues(queue, input);
  if (issues.length > 0)
    throw new HttpError(
      400,
      'invalid_request',
      'The final answer does not fit the queue’s questions; see issues.',
      issues,
    );
  const adjudication = { queueId: queue.id, itemId, ...input, adjudicator, decidedAt: now.toISOString() };
  const replaced = await store.adjudicate(adjudication);
  return { adjudication, replaced: replaced ?? null };
}
