import { expect } from 'vitest';
import { newToken } from '../../companion/src/accounts/user-tokens.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import {
  type Item,
  itemIdFor,
  itemKey,
  queueCreateSchema,
  queueItemIdFor,
  reviewRequestSchema,
} from '../../shared/index.ts';
import { makeAnnotation } from './annotation-factory.ts';
import { makeConversationRating } from './conversation-rating-factory.ts';

const NOW = '2026-12-01T10:00:00.000Z';
const FILLER = 'Judgement took hours to give; a restore must not take half of it away. '.repeat(30);

function makeItem(messageId: string): Item {
  const key = itemKey('chatgpt', 'conv-backup', messageId);
  return {
    id: itemIdFor(key),
    key,
    source: 'import',
    site: 'chatgpt',
    conversationId: 'conv-backup',
    messageId,
    url: null,
    model: 'gpt-5',
    context: [{ role: 'user', content: `question ${messageId}` }],
    response: `answer ${messageId}`,
    variant: null,
    createdAt: NOW,
    metadata: { source: 'test' },
  };
}

/** Puts rows in every table a user's work lives in, through the stores (as the companion writes them). */
export async function fillEveryTable(stores: Stores, tag: string, annotations = 3): Promise<void> {
  const first = Array.from({ length: annotations }, (_, i) =>
    makeAnnotation({ conversationId: `${tag}-conv-${i}`, comment: `${tag} first ${i} ${FILLER}` }),
  );
  const push = (records: typeof first, at: string) =>
    stores.sync.applyChanges({ deviceId: `${tag}-laptop`, receivedAt: at, annotations: records, comparisons: [] });
  await push(first, NOW);
  const edited = first[0] as (typeof first)[0];
  await push([{ ...edited, comment: `${tag} second`, revision: 2, updatedAt: '2026-12-01T11:00:00.000Z' }], NOW);
  const rating = makeConversationRating({ note: `${tag} rating` });
  await stores.sync.applyChanges({
    deviceId: `${tag}-laptop`,
    receivedAt: NOW,
    annotations: [],
    comparisons: [],
    conversationRatings: [rating],
  });
  const { stored } = newToken('personal', new Date(NOW), `${tag}-grace`);
  await stores.users.add({ name: `${tag}-grace`, role: 'annotator', kind: 'human', createdAt: NOW }, stored);
  await stores.audit.append({
    at: NOW,
    actor: `${tag}-grace`,
    action: 'user.add',
    target: `${tag}-grace`,
    details: {},
  });
  const request = reviewRequestSchema.parse({ title: `${tag} review`, output: 'the output', metadata: { run: 7 } });
  await stores.reviews.insert({ id: `${tag}-rev`, request, requestHash: `${tag}-h`, createdAt: NOW, expiresAt: null });
  await stores.items.startRun({
    id: `${tag}-run`,
    source: 'chatgpt',
    file: 'conversations.json',
    status: 'running',
    dryRun: false,
    startedAt: NOW,
    updatedAt: NOW,
    finishedAt: null,
    summary: null,
    error: null,
  } as never);
  await stores.items.writeBatch(
    {
      runId: `${tag}-run`,
      items: [`${tag}-m1`, `${tag}-m2`].map(makeItem),
      conversations: [{ site: 'chatgpt', conversationId: `${tag}-conv`, fingerprint: 'fp' }],
    },
    new Date(NOW),
  );
  await stores.items.skip(makeItem(`${tag}-m2`).id, `${tag}-grace`, new Date(NOW));
  const { filter: _filter, ...settings } = queueCreateSchema.parse({ id: `${tag}-queue`, name: 'Q', overlap: 2 });
  const queue = { ...settings, createdAt: NOW, createdBy: 'lead' };
  await stores.queues.create(queue);
  await stores.queues.addItems(
    queue,
    [0, 1].map((unit) => ({
      id: queueItemIdFor(queue.id, `unit-${unit}`),
      queueId: queue.id,
      key: `unit-${unit}`,
      origin: 'api' as const,
      messages: [],
      response: `Response ${unit}`,
      responses: null,
      model: null,
      url: null,
      metadata: {},
      createdAt: NOW,
    })),
  );
  const lease = await stores.queues.lease(queue, `${tag}-grace`, new Date(NOW));
  expect(lease).toBeTruthy();
  await stores.queues.lease(queue, `${tag}-ada`, new Date(NOW));
  await stores.queues.record(
    queue,
    {
      queueId: queue.id,
      itemId: queueItemIdFor(queue.id, 'unit-0'),
      annotator: `${tag}-grace`,
      status: 'done',
      thumb: 'up',
      score: null,
      comment: 'fine',
      correction: null,
      rubric: {},
      preference: null,
      shownOrder: null,
      preferred: null,
      reason: null,
      answeredAt: NOW,
    },
    new Date(NOW),
  );
}
