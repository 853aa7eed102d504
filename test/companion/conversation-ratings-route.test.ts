import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { API, apiErrorSchema, conversationRatingsResponseSchema, queryString, routePath } from '../../shared/index.ts';
import { makeConversationRating } from '../support/conversation-rating-factory.ts';
import { openTestStores, STORE_KINDS } from '../support/stores.ts';
import { addUser } from './support/route-samples.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const RECEIVED = '2026-11-05T09:00:00.000Z';

describe.each(STORE_KINDS)('conversationRatingsOf (%s)', (kind) => {
  let stores: Stores;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ stores, remove } = await openTestStores(kind, 'conv-ratings-of'));
  });
  afterEach(() => remove());

  it("lists the conversation's live ratings, every annotator's, the latest change first", async () => {
    const ada = makeConversationRating({ annotator: 'ada', rating: 'needs-work', note: 'looped', tags: ['loop'] });
    const bob = makeConversationRating({ annotator: 'bob', updatedAt: '2026-11-03T10:00:00.000Z' });
    const withdrawn = makeConversationRating({ annotator: 'cy', deletedAt: '2026-11-04T10:00:00.000Z', revision: 2 });
    const elsewhere = makeConversationRating({ conversationId: 'conv-2', annotator: 'ada' });
    const otherSite = makeConversationRating({ site: 'claude', annotator: 'ada' });
    await stores.sync.applyChanges({
      deviceId: 'device-a',
      receivedAt: RECEIVED,
      annotations: [],
      comparisons: [],
      conversationRatings: [ada, bob, withdrawn, elsewhere, otherSite],
    });

    expect(await stores.sync.conversationRatingsOf('chatgpt:conv-1')).toEqual([bob, ada]);
    expect(await stores.sync.conversationRatingsOf('chatgpt:conv-2')).toEqual([elsewhere]);
    expect(await stores.sync.conversationRatingsOf('claude:conv-1')).toEqual([otherSite]);
    expect(await stores.sync.conversationRatingsOf('chatgpt:none')).toEqual([]);
  });

  it('answers the current version only, and nothing once the rating is withdrawn', async () => {
    const first = makeConversationRating({ rating: 'unclear' });
    const changes = { deviceId: 'device-a', receivedAt: RECEIVED, annotations: [], comparisons: [] };
    await stores.sync.applyChanges({ ...changes, conversationRatings: [first] });
    const edited = { ...first, rating: 'good' as const, note: 'fine after all', revision: 2, updatedAt: RECEIVED };
    await stores.sync.applyChanges({ ...changes, conversationRatings: [edited] });
    expect(await stores.sync.conversationRatingsOf(first.key)).toEqual([edited]);

    const tombstone = {
      ...edited,
      deletedAt: '2026-11-06T09:00:00.000Z',
      updatedAt: '2026-11-06T09:00:00.000Z',
      revision: 3,
    };
    await stores.sync.applyChanges({ ...changes, conversationRatings: [tombstone] });
    expect(await stores.sync.conversationRatingsOf(first.key)).toEqual([]);
  });
});

describe.each(STORE_KINDS)('GET /api/v1/conversation-ratings (%s)', (kind) => {
  let server: TestServer;
  let annotator: { name: string; token: string };
  let viewer: { name: string; token: string };
  const path = (key: string) => `${routePath(API.conversationRatings.list)}${queryString({ key })}`;
  async function ratings(key: string, token?: string) {
    const response = await server.send({ path: path(key), ...(token ? { token } : {}) });
    expect(response.status, response.text).toBe(200);
    return conversationRatingsResponseSchema.parse(response.json()).ratings;
  }

  beforeAll(async () => {
    server = await startTestServer({ store: kind });
    annotator = await addUser(server, 'annotator', 'route-annotator');
    viewer = await addUser(server, 'viewer', 'route-viewer');
  }, 120_000);
  afterAll(() => server.close());

  it("shows readers every annotator's rating and an annotator only their own", async () => {
    const theirs = makeConversationRating({ conversationId: 'route-1', annotator: 'ada', rating: 'needs-work' });
    const own = makeConversationRating({ conversationId: 'route-1', annotator: annotator.name, tags: ['mine'] });
    const pushed = await server.push({ deviceId: 'device-a', annotations: [], conversationRatings: [theirs, own] });
    expect(pushed.status, pushed.text).toBe(200);

    const all = await ratings(theirs.key);
    expect(all.map((rating) => rating.annotator).sort()).toEqual(['ada', annotator.name].sort());
    expect(await ratings(theirs.key, viewer.token)).toEqual(all);
    expect(await ratings(theirs.key, annotator.token)).toEqual([own]);
    expect(await ratings('chatgpt:route-unrated')).toEqual([]);
  });

  it('refuses a key that does not name a conversation, saying what is wrong', async () => {
    for (const key of ['no-colon', ':conv', '']) {
      const response = await server.send({ path: path(key) });
      expect(response.status, key).toBe(400);
      expect(apiErrorSchema.parse(response.json()).error.code).toBe('invalid_request');
      expect(response.text).toContain('key');
    }
  });
});
