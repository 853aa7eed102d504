import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationMarkKey } from '../../companion/src/storage/item-store.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { emptyImportSummary, type ImportRun, type Item, itemIdFor, itemKey } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { openTestStores, STORE_KINDS } from '../support/stores.ts';

function makeItem(site: 'chatgpt' | 'claude', messageId: string, overrides: Partial<Item> = {}): Item {
  const key = itemKey(site, 'conv-1', messageId);
  return {
    id: itemIdFor(key),
    key,
    source: 'import',
    site,
    conversationId: 'conv-1',
    messageId,
    url: null,
    model: 'gpt-5',
    context: [{ role: 'user', content: 'Hi' }],
    response: 'Hello.',
    variant: null,
    createdAt: '2026-11-01T10:00:00.000Z',
    metadata: {},
    ...overrides,
  };
}

// The newest first: `next` serves them in this order.
const items = [
  makeItem('claude', 'm3', {
    model: 'claude-opus',
    createdAt: '2026-11-03T10:00:00.000Z',
    // U+0000 survives on both stores (PostgreSQL text cannot hold it as is).
    context: [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'a\u0000b' },
      { role: 'user', content: 'code?' },
    ],
    response: '```js\nx()\n```',
    reasoning: 'thought',
  }),
  makeItem('chatgpt', 'm2', { createdAt: '2026-11-02T10:00:00.000Z' }),
  makeItem('chatgpt', 'm1'),
];

describe.each(STORE_KINDS)('the item store (%s)', (kind) => {
  let stores: Stores;
  let remove: () => Promise<void>;
  const now = new Date('2026-12-01T00:00:00.000Z');
  beforeAll(async () => {
    ({ stores, remove } = await openTestStores(kind, 'items'));
  });
  afterAll(() => remove());

  it('stores a batch once, and returns each item as written', async () => {
    const batch = {
      runId: null,
      items,
      conversations: [{ site: 'chatgpt', conversationId: 'conv-1', fingerprint: 'f1' }],
    };
    expect(await stores.items.writeBatch(batch, now)).toEqual({ added: 3, present: 0 });
    expect(await stores.items.writeBatch(batch, now)).toEqual({ added: 0, present: 3 });
    expect(await stores.items.count()).toBe(3);
    for (const item of items) expect(await stores.items.get(item.id)).toEqual(item);
    expect(await stores.items.get('item-missing')).toBeUndefined();
    const marks = await stores.items.fingerprints([
      { site: 'chatgpt', conversationId: 'conv-1' },
      { site: 'claude', conversationId: 'conv-1' },
    ]);
    expect([...marks]).toEqual([[conversationMarkKey('chatgpt', 'conv-1'), 'f1']]);
    expect(await stores.items.existingItemKeys([items[1]?.key ?? '', 'chatgpt:conv-1:nope'])).toEqual(
      new Set([items[1]?.key]),
    );
  });

  it('serves the newest unrated item first, with filters, skips and facets per annotator', async () => {
    const next = async (filters = {}, annotator = 'ada') => {
      const { item, remaining } = await stores.items.next(filters, annotator);
      return [item?.messageId ?? null, remaining];
    };
    expect(await next()).toEqual(['m3', 3]);
    expect(await next({ site: ['chatgpt'] })).toEqual(['m2', 2]);
    expect(await next({ model: ['gpt-5'], until: '2026-11-02T00:00:00.000Z' })).toEqual(['m1', 1]);
    expect(await next({ hasCode: true })).toEqual(['m3', 1]);
    expect(await next({ minTurns: 3 })).toEqual(['m3', 1]);
    expect(await next({ maxTurns: 2, since: '2026-11-02T00:00:00.000Z' })).toEqual(['m2', 1]);

    expect(await stores.items.skip(items[0]?.id ?? '', 'ada', now)).toBe(true);
    expect(await stores.items.skip('item-missing', 'ada', now)).toBe(false);
    expect(await next()).toEqual(['m2', 2]);
    expect(await next({}, 'bob')).toEqual(['m3', 3]);

    // A live annotation by the person rates the item; a deleted one does not.
    const rated = makeAnnotation({ key: items[1]?.key, conversationId: 'conv-1', messageId: 'm2', annotator: 'ada' });
    await stores.sync.applyChanges({
      deviceId: 'dashboard',
      receivedAt: now.toISOString(),
      annotations: [rated],
      comparisons: [],
    });
    expect(await next()).toEqual(['m1', 1]);
    expect(await stores.items.liveAnnotationIds([rated.key, items[2]?.key ?? ''], 'ada')).toEqual(
      new Map([[rated.key, rated.id]]),
    );
    expect(await stores.items.existingRecordIds('annotation', [rated.id, 'nope'])).toEqual(new Set([rated.id]));

    expect(await stores.items.facets('ada')).toEqual({
      unrated: 1,
      sites: [{ value: 'chatgpt', count: 1 }],
      models: [{ value: 'gpt-5', count: 1 }],
    });
    expect(await stores.items.unskip(items[0]?.id ?? '', 'ada')).toBe(true);
    expect(await stores.items.unskip('item-missing', 'ada')).toBe(false);
    expect(await stores.items.facets('ada')).toEqual({
      unrated: 2,
      sites: [
        { value: 'chatgpt', count: 1 },
        { value: 'claude', count: 1 },
      ],
      models: [
        { value: 'claude-opus', count: 1 },
        { value: 'gpt-5', count: 1 },
      ],
    });
  });

  it('keeps import runs, newest first, and finishes them', async () => {
    const run = (id: string, startedAt: string): ImportRun => ({
      id,
      source: 'auto',
      file: 'export.zip',
      status: 'running',
      dryRun: false,
      startedAt,
      updatedAt: startedAt,
      finishedAt: null,
      summary: emptyImportSummary(),
      error: null,
    });
    await stores.items.startRun(run('run-1', '2026-12-01T00:00:00.000Z'));
    await stores.items.startRun(run('run-2', '2026-12-01T01:00:00.000Z'));
    const summary = { ...emptyImportSummary(), source: 'chatgpt' };
    await stores.items.updateRun('run-1', { status: 'failed', summary, error: 'bad zip', now });
    expect(await stores.items.getRun('run-1')).toEqual({
      ...run('run-1', '2026-12-01T00:00:00.000Z'),
      status: 'failed',
      summary,
      error: 'bad zip',
      updatedAt: now.toISOString(),
      finishedAt: now.toISOString(),
    });
    expect((await stores.items.listRuns(5)).map((found) => found.id)).toEqual(['run-2', 'run-1']);
    expect(await stores.items.getRun('run-3')).toBeUndefined();
  });
});
