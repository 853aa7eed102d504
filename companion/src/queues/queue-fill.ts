import type { Annotation } from '../../../shared/annotation.ts';
import { isPartialCapture } from '../../../shared/capture-completeness.ts';
import { type AnnotationSource, annotationSource, passesFilters } from '../../../shared/export/index.ts';
import {
  type Item,
  type ItemSource,
  type QueueFilter,
  type QueueItemInput,
  queueItemIdFor,
} from '../../../shared/index.ts';
import type { ItemScan } from '../storage/item-store.ts';
import type { NewQueueItem } from '../storage/queue-store.ts';

/** What a queue is filled from: the live annotations of either store. */
export interface QueueFillSource {
  iterateAnnotations(options?: { order?: 'sequence' | 'conversation' }): AsyncIterable<Annotation>;
}

/** What a `from: "unrated"` filter fills a queue from: the stored items (imports, logged calls, API). */
export interface QueueItemFillSource {
  iterateItems(scan?: ItemScan): AsyncIterable<Item>;
}

/**
 * The item sources behind each export source: a logged call is an item of source `log` (or `api`,
 * sent to the feedback API) and an annotation of source `api`; a pipeline review is never an item.
 */
const ITEM_SOURCES: Record<AnnotationSource, readonly ItemSource[]> = {
  capture: ['capture'],
  api: ['log', 'api'],
  import: ['import'],
  review: [],
};

/**
 * The items a `from: "unrated"` filter selects: each stored item nobody has a live annotation of
 * (an imported assistant response, a logged call) that passes the source, site, model, since/until
 * and skip-partial filters, oldest first, with its conversation as the messages. Its key is the
 * annotation's, so a later fill from the annotations (once someone rates it) adds nothing.
 */
export async function itemsFromUnrated(
  source: QueueItemFillSource,
  queueId: string,
  filter: QueueFilter,
  now: Date,
): Promise<{ items: NewQueueItem[]; matched: number }> {
  const items: NewQueueItem[] = [];
  let matched = 0;
  const scan: ItemScan = {
    sources: filter.source.flatMap((name) => ITEM_SOURCES[name]),
    site: filter.site,
    model: filter.model,
    since: filter.since,
    until: filter.until,
    unrated: true,
  };
  for await (const item of source.iterateItems(scan)) {
    if (filter.skipPartial && isPartialCapture(item.metadata)) continue;
    matched += 1;
    if (filter.limit !== undefined && items.length >= filter.limit) continue;
    items.push({
      id: queueItemIdFor(queueId, item.key),
      queueId,
      key: item.key,
      origin: 'store',
      messages: item.context,
      response: item.response,
      responses: null,
      model: item.model,
      url: item.url,
      metadata: { site: item.site, conversationId: item.conversationId, messageId: item.messageId },
      createdAt: now.toISOString(),
    });
  }
  return { items, matched };
}

/**
 * The items a filter selects: each response (annotation key) that has a live annotation passing the
 * export's filters becomes one item, in store order, its content copied from the first such
 * annotation (every annotation of a key holds the same response). `matched` counts the annotations
 * that passed, so "0 added" can be told from "nothing matched".
 */
export async function itemsFromStore(
  source: QueueFillSource,
  queueId: string,
  filter: QueueFilter,
  now: Date,
): Promise<{ items: NewQueueItem[]; matched: number }> {
  const byKey = new Map<string, NewQueueItem>();
  let matched = 0;
  for await (const annotation of source.iterateAnnotations({ order: 'sequence' })) {
    if (annotation.deletedAt !== null) continue;
    if (!filter.source.includes(annotationSource(annotation))) continue;
    if (!passesFilters(annotation, filter)) continue;
    if (filter.skipPartial && isPartialCapture(annotation.metadata)) continue;
    matched += 1;
    if (byKey.has(annotation.key)) continue;
    if (filter.limit !== undefined && byKey.size >= filter.limit) continue;
    byKey.set(annotation.key, {
      id: queueItemIdFor(queueId, annotation.key),
      queueId,
      key: annotation.key,
      origin: 'store',
      messages: annotation.context,
      response: annotation.response,
      responses: null,
      model: annotation.model,
      url: annotation.url,
      metadata: { site: annotation.site, conversationId: annotation.conversationId, messageId: annotation.messageId },
      createdAt: now.toISOString(),
    });
  }
  return { items: [...byKey.values()], matched };
}

/** An item sent by API, keyed by its `key` or, without one, by its content (the same content is the same item). */
export function itemFromInput(queueId: string, input: QueueItemInput, contentKey: string, now: Date): NewQueueItem {
  const key = input.key ?? contentKey;
  return {
    id: queueItemIdFor(queueId, key),
    queueId,
    key,
    origin: 'api',
    messages: input.messages,
    response: input.response ?? null,
    responses: input.responses ?? null,
    model: input.model,
    url: input.url,
    metadata: input.metadata,
    createdAt: now.toISOString(),
  };
}
