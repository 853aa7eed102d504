import type { Campaign } from '../../../shared/export/index.ts';
import type { QueueItem } from '../../../shared/index.ts';
import type { QueueStore } from '../storage/queue-store.ts';
import { HttpError } from '../support/http-error.ts';

/** A campaign queue as an export reads it: the queue, its answers and final answers, and its items as a stream. */
export interface CampaignRecords extends Omit<Campaign, 'kinds'> {
  items: AsyncIterable<QueueItem>;
}

/** Reads a queue for an export; a 404 when there is none. */
export async function campaignRecords(store: QueueStore, id: string): Promise<CampaignRecords> {
  const queue = await store.get(id);
  if (queue === undefined) throw new HttpError(404, 'queue_not_found', `There is no queue "${id}".`);
  const [answers, adjudications] = await Promise.all([store.answers(queue.id), store.adjudications(queue.id)]);
  return { queue, answers, adjudications, items: store.iterateItems(queue.id) };
}
