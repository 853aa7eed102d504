import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stores } from '../../companion/src/storage/stores.ts';
import {
  API,
  apiErrorSchema,
  conversationRatingSetResponseSchema,
  conversationRatingsResponseSchema,
  queryString,
  routePath,
} from '../../shared/index.ts';
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

describe.each(STORE_KINDS)('POST /api/v1/conversation-ratings (%s)', (kind) => {
  let server: TestServer;
  let annotator: { name: string; token: string };
  let viewer: { name: string; token: string };
  const listPath = (key: string) => `${routePath(API.conversationRatings.list)}${queryString({ key })}`;
  const set = (body: object, token?: string) =>
    server.send({
      method: 'POST',
      path: routePath(API.conversationRatings.set),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(token ? { token } : {}),
    });
  async function list(key: string, token?: string) {
    const response = await server.send({ path: listPath(key), ...(token ? { token } : {}) });
    expect(response.status, response.text).toBe(200);
    return conversationRatingsResponseSchema.parse(response.json());
  }

  beforeAll(async () => {
    server = await startTestServer({ store: kind });
    annotator = await addUser(server, 'annotator', 'set-annotator');
    viewer = await addUser(server, 'viewer', 'set-viewer');
  }, 120_000);
  afterAll(() => server.close());

  it('sets, edits and withdraws the caller’s own rating as one synced record', async () => {
    const key = 'claude:set-1';
    const first = await set({ key, rating: 'needs-work', note: 'lost the thread', tags: ['drift'] });
    expect(first.status, first.text).toBe(200);
    const created = conversationRatingSetResponseSchema.parse(first.json()).rating;
    expect(created).toMatchObject({ site: 'claude', conversationId: 'set-1', rating: 'needs-work', revision: 1 });
    expect((await list(key)).mine?.id).toBe(created?.id);

    const edited = conversationRatingSetResponseSchema.parse((await set({ key, rating: 'good' })).json()).rating;
    expect(edited).toMatchObject({ id: created?.id, rating: 'good', revision: 2, note: '', tags: [] });
    // It is the record the extension pulls: one version per change, the latest current.
    const pulled = await server.send({ path: '/api/v1/sync/pull?since=0&limit=1000&conversationRatings=include' });
    const mine = (pulled.json() as { conversationRatings: Array<{ id: string; revision: number }> })
      .conversationRatings;
    expect(mine.filter((rating) => rating.id === created?.id).map((rating) => rating.revision)).toEqual([2]);

    const withdrawn = await set({ key, rating: null });
    expect(conversationRatingSetResponseSchema.parse(withdrawn.json()).rating).toBeNull();
    expect(await list(key)).toEqual({ ratings: [], mine: null });
  });

  it('rates as the signed-in user on a team server, and refuses a viewer', async () => {
    const key = 'chatgpt:set-team';
    const answer = await set({ key, rating: 'unclear' }, annotator.token);
    expect(answer.status, answer.text).toBe(200);
    expect(conversationRatingSetResponseSchema.parse(answer.json()).rating?.annotator).toBe(annotator.name);
    expect((await list(key, annotator.token)).mine?.rating).toBe('unclear');
    expect((await list(key)).mine).toBeNull(); // the owner has not rated it

    const refused = await set({ key, rating: 'good' }, viewer.token);
    expect(refused.status).toBe(403);
    expect(apiErrorSchema.parse(refused.json()).error.code).toBe('forbidden_role');
  });

  it('refuses a rating that is not one of the three, naming the field', async () => {
    const response = await set({ key: 'chatgpt:set-bad', rating: 'great' });
    expect(response.status).toBe(400);
    expect(apiErrorSchema.parse(response.json()).error.issues?.[0]?.path).toBe('rating');
  });
});
