import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConversationRating,
  conversationRatingSchema,
  syncPullResponseSchema,
  syncPushResponseSchema,
} from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { collect } from '../support/collect.ts';
import { makeConversationRating } from '../support/conversation-rating-factory.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

describe('conversationRatingSchema', () => {
  it('accepts a rating and refuses a key that does not name its conversation', () => {
    expect(conversationRatingSchema.safeParse(makeConversationRating()).success).toBe(true);
    const wrong = conversationRatingSchema.safeParse(makeConversationRating({ key: 'chatgpt:other' }));
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.path).toEqual(['key']);
    expect(conversationRatingSchema.safeParse({ ...makeConversationRating(), rating: 'bad' }).success).toBe(false);
  });
});

describe.each(STORE_KINDS)('conversation ratings through sync (%s)', (kind) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ store: kind });
  });
  afterEach(() => server.close());

  async function push(body: Record<string, unknown>) {
    const response = await server.push({ deviceId: 'device-a', annotations: [], ...body });
    expect(response.status, response.text).toBe(200);
    return syncPushResponseSchema.parse(response.json());
  }
  async function pull(query: string) {
    const response = await server.send({ path: `/api/v1/sync/pull?${query}` });
    expect(response.status, response.text).toBe(200);
    return { raw: response.json() as Record<string, unknown>, page: syncPullResponseSchema.parse(response.json()) };
  }

  it('stores, replays, orders versions and feeds ratings on the shared sequence', async () => {
    const annotation = makeAnnotation();
    const rating = makeConversationRating({ rating: 'needs-work', note: 'went in circles', tags: ['loop'] });
    const first = await push({ annotations: [annotation], conversationRatings: [rating] });
    expect(first.annotations[0]).toMatchObject({ status: 'accepted', seq: 1 });
    expect(first.conversationRatings).toEqual([{ index: 0, id: rating.id, status: 'accepted', seq: 2 }]);
    expect(first.checkpoint).toBe(2);

    const replay = await push({ conversationRatings: [rating] });
    expect(replay.conversationRatings?.[0]).toMatchObject({ status: 'unchanged', seq: 2 });

    const edited: ConversationRating = {
      ...rating,
      rating: 'good',
      revision: 2,
      updatedAt: '2026-11-02T10:00:00.000Z',
    };
    expect((await push({ conversationRatings: [edited] })).conversationRatings?.[0]).toMatchObject({
      status: 'accepted',
      seq: 3,
    });
    // An older revision from another device loses, is kept in history, and the winner is returned.
    const stale = await push({ conversationRatings: [{ ...rating, rating: 'unclear' }] });
    expect(stale.conversationRatings?.[0]).toMatchObject({ status: 'superseded', seq: 3, current: edited });
    expect(await server.countRows('conversation_ratings')).toBe(1);
    expect(await server.countRows('history')).toBe(2);

    const { page } = await pull('since=0&conversationRatings=include');
    expect(page.annotations.map((a) => a.id)).toEqual([annotation.id]);
    expect(page.conversationRatings).toEqual([edited]);
    expect(page.checkpoint).toBe(3);

    const stores = await server.database.open();
    try {
      expect(await collect(stores.sync.iterateConversationRatings())).toEqual([edited]);
    } finally {
      await stores.close();
    }
  });

  it('tells a client that sends no ratings (protocol 1) nothing about them', async () => {
    await push({ conversationRatings: [makeConversationRating()] });
    const old = await push({ annotations: [makeAnnotation()] });
    expect(Object.keys(old)).toEqual(['annotations', 'comparisons', 'checkpoint']);
    const { raw, page } = await pull('since=0');
    expect(Object.keys(raw)).toEqual(['annotations', 'comparisons', 'checkpoint', 'hasMore']);
    expect(page.checkpoint).toBe(2);
  });

  it('rejects a bad rating on its own, with the issue, and stores the rest', async () => {
    const good = makeConversationRating({ conversationId: 'conv-ok' });
    const result = await push({ conversationRatings: [{ ...makeConversationRating(), rating: 'great' }, good] });
    expect(result.conversationRatings?.[0]).toMatchObject({ index: 0, status: 'rejected' });
    expect(result.conversationRatings?.[0]?.issues?.[0]?.path).toBe('rating');
    expect(result.conversationRatings?.[1]).toMatchObject({ index: 1, id: good.id, status: 'accepted' });
    expect(await server.countRows('conversation_ratings')).toBe(1);
  });

  it('backs up ratings with the annotations and restores them idempotently elsewhere', async () => {
    const annotation = makeAnnotation();
    const rating = makeConversationRating({ rating: 'unclear', note: 'which router?', tags: ['vague'] });
    const withdrawn = makeConversationRating({ conversationId: 'conv-2', deletedAt: '2026-11-02T00:00:00.000Z' });
    await push({ annotations: [annotation], conversationRatings: [rating, withdrawn] });
    const backup = await server.send({ path: '/api/v1/backup' });
    expect(backup.status).toBe(200);
    const lines = backup.text.split('\n').filter((line) => line !== '');
    expect(lines.map((line) => JSON.parse(line))).toEqual([annotation, rating, withdrawn]);

    const other = await startTestServer({ store: kind });
    try {
      const restore = async (body: unknown) =>
        (
          await other.send({
            method: 'POST',
            path: '/api/v1/backup/restore',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          })
        ).json() as Record<string, unknown>;
      const bad = JSON.stringify({ ...makeConversationRating(), rating: 'meh' });
      const upload = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      const first = await restore({ upload: upload(1), firstLine: 1, lines: [...lines, bad], last: true });
      expect(first).toMatchObject({ stored: false, accepted: 0, rejected: 1 });
      expect(String((first.problems as string[])[0])).toMatch(/^line 4 .*conversation rating: rating: /);
      expect(await restore({ upload: upload(2), firstLine: 1, lines, last: true })).toMatchObject({
        stored: true,
        accepted: 3,
      });
      expect(await restore({ upload: upload(3), firstLine: 1, lines, last: true })).toMatchObject({
        accepted: 0,
        unchanged: 3,
      });
      const { page } = await (async () => {
        const response = await other.send({ path: '/api/v1/sync/pull?since=0&conversationRatings=include' });
        return { page: syncPullResponseSchema.parse(response.json()) };
      })();
      expect(page.conversationRatings).toEqual([rating, withdrawn]);
    } finally {
      await other.close();
    }
  });
});
