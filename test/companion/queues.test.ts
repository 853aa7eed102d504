import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API,
  itemIdFor,
  itemKey,
  queueAnswerResultSchema,
  queueCreatedSchema,
  queueItemIdFor,
  queueItemsAddedSchema,
  queueItemViewSchema,
  queueListResponseSchema,
  queueNextSchema,
  queueProgressSchema,
  type RouteContract,
  routePath,
} from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { addUser } from './support/route-samples.ts';
import { pushBody, startTestServer, type TestServer } from './support/test-server.ts';

describe.each(STORE_KINDS)('campaign queues over HTTP (%s)', (kind) => {
  let server: TestServer;
  let ada: { name: string; token: string };
  let bob: { name: string; token: string };
  let viewer: { name: string; token: string };

  beforeAll(async () => {
    server = await startTestServer({ store: kind, app: { rateLimit: { burst: 100_000, perSecond: 100_000 } } });
    ada = await addUser(server, 'annotator', 'ada');
    bob = await addUser(server, 'annotator', 'bob');
    viewer = await addUser(server, 'viewer', 'vera');
  }, 180_000);
  afterAll(async () => server?.close());

  async function call(
    route: RouteContract,
    options: { params?: Record<string, string>; body?: unknown; token?: string; query?: string } = {},
  ) {
    const response = await server.send({
      method: route.method,
      path: `${routePath(route, options.params as never)}${options.query ?? ''}`,
      headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.token === undefined ? {} : { token: options.token }),
    });
    return { status: response.status, body: response.status < 500 ? (response.json() as never) : response.text };
  }

  async function createQueue(body: Record<string, unknown>) {
    const created = await call(API.queues.create, { body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return queueCreatedSchema.parse(created.body);
  }

  async function addItems(id: string, items: unknown[]) {
    const added = await call(API.queues.addItems, { params: { id }, body: { items } });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    return queueItemsAddedSchema.parse(added.body).itemIds;
  }

  it('fills a queue from a filter over the stored annotations, one item per response', async () => {
    const shared = makeAnnotation({ site: 'claude', conversationId: 'fill', messageId: 'm1' });
    const annotations = [
      shared,
      { ...makeAnnotation({ site: 'claude', conversationId: 'fill', messageId: 'm1' }), annotator: 'someone-else' },
      makeAnnotation({ site: 'claude', conversationId: 'fill', messageId: 'm2' }),
      makeAnnotation({ site: 'chatgpt', conversationId: 'other' }),
    ];
    expect((await server.push(pushBody(annotations))).status).toBe(200);
    const created = await createQueue({ id: 'from-filter', name: 'Claude answers', filter: { site: ['claude'] } });
    expect(created).toMatchObject({ added: 2, matched: 3 });
    const listed = await call(API.queues.items, { params: { id: 'from-filter' } });
    expect(listed.body).toMatchObject({ total: 2, items: [{ key: shared.key }, { position: 2 }] });
    const duplicate = await call(API.queues.create, { body: { id: 'from-filter', name: 'again' } });
    expect(duplicate).toMatchObject({ status: 409, body: { error: { code: 'queue_exists' } } });
  });

  it('fills a queue from the unrated imported items, and names a filter they cannot pass', async () => {
    const item = (messageId: string) => {
      const key = itemKey('claude', 'imported', messageId);
      return {
        id: itemIdFor(key),
        key,
        source: 'import' as const,
        site: 'claude',
        conversationId: 'imported',
        messageId,
        url: null,
        model: 'claude-opus',
        context: [{ role: 'user' as const, content: `question ${messageId}` }],
        response: `answer ${messageId}`,
        variant: null,
        createdAt: `2026-11-0${messageId.slice(1)}T10:00:00.000Z`,
        metadata: { source: 'claude-export' },
      };
    };
    const stores = await server.database.open();
    try {
      await stores.items.writeBatch(
        { runId: null, items: [item('i1'), item('i2'), item('i3')], conversations: [] },
        new Date(),
      );
    } finally {
      await stores.close();
    }
    // Someone rated i2: it is filled from the annotations, not as an unrated item.
    expect(
      (await server.push(pushBody([makeAnnotation({ site: 'claude', conversationId: 'imported', messageId: 'i2' })])))
        .status,
    ).toBe(200);
    const created = await createQueue({
      id: 'unrated',
      name: 'Imported',
      filter: { from: 'unrated', source: ['import'] },
    });
    expect(created).toMatchObject({ added: 2, matched: 2 });
    const listed = await call(API.queues.items, { params: { id: 'unrated' } });
    expect(listed.body).toMatchObject({ total: 2, items: [{ key: item('i1').key }, { key: item('i3').key }] });
    const first = await call(API.queues.item, {
      params: { id: 'unrated', itemId: queueItemIdFor('unrated', item('i1').key) },
    });
    expect(first).toMatchObject({
      status: 200,
      body: { item: { messages: item('i1').context, response: 'answer i1', model: 'claude-opus' } },
    });
    const bad = await call(API.queues.create, {
      body: { id: 'unrated-bad', name: 'Bad', filter: { from: 'unrated', tag: ['x'] } },
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { issues: [{ path: 'filter.tag' }] } } });
  });

  it('checks answers against the questions, naming each field', async () => {
    await createQueue({
      id: 'questions',
      name: 'Rubric',
      questions: {
        score: 'required',
        rubric: [{ id: 'tone', label: 'Tone', kind: 'choice', options: ['ok', 'rude'], required: true }],
      },
    });
    const [item] = await addItems('questions', [{ response: 'Hello' }]);
    const wrong = await call(API.queues.answer, {
      params: { id: 'questions', itemId: item as string },
      body: { thumb: 'up', rubric: { tone: 'loud' }, preference: 'A' },
      token: ada.token,
    });
    expect(wrong.status).toBe(400);
    const paths = (wrong.body as unknown as { error: { issues: { path: string }[] } }).error.issues.map(
      (issue) => issue.path,
    );
    expect(paths.sort()).toEqual(['preference', 'rubric.tone', 'score']);
    const right = await call(API.queues.answer, {
      params: { id: 'questions', itemId: item as string },
      body: { thumb: 'up', score: 80, rubric: { tone: 'ok' } },
      token: ada.token,
    });
    expect(right.status, JSON.stringify(right.body)).toBe(200);
    expect(queueAnswerResultSchema.parse(right.body).answer).toMatchObject({
      annotator: 'ada',
      score: 80,
      status: 'done',
    });
  });

  it('keeps a blind queue blind on every route an annotator can call, and an open queue open', async () => {
    for (const [id, blind] of [
      ['blind', true],
      ['open', false],
    ] as const) {
      await createQueue({ id, name: id, overlap: 2, blind });
      const [item] = await addItems(id, [{ response: `The answer (${id})` }]);
      const itemId = item as string;
      for (const who of [ada, bob]) {
        const next = queueNextSchema.parse(
          (await call(API.queues.next, { params: { id }, body: {}, token: who.token })).body,
        );
        expect(next.item?.item.id).toBe(itemId);
        // In a blind queue nobody's answer shows while the item is served (bob is served after ada answered).
        expect(next.item?.answers.map((answer) => answer.annotator)).toEqual(blind || who === ada ? [] : ['ada']);
        const answered = await call(API.queues.answer, {
          params: { id, itemId },
          body: { thumb: who === ada ? 'up' : 'down' },
          token: who.token,
        });
        expect(answered.status).toBe(200);
      }
      const seenByBob = queueItemViewSchema.parse(
        (await call(API.queues.item, { params: { id, itemId }, token: bob.token })).body,
      );
      expect(seenByBob.answers.map((answer) => answer.annotator).sort()).toEqual(blind ? ['bob'] : ['ada', 'bob']);
      const seenByViewer = queueItemViewSchema.parse(
        (await call(API.queues.item, { params: { id, itemId }, token: viewer.token })).body,
      );
      expect(seenByViewer.answers).toHaveLength(2);
      expect((await call(API.queues.answers, { params: { id }, token: bob.token })).status).toBe(403);
      expect((await call(API.queues.items, { params: { id }, token: bob.token })).status).toBe(403);
      const progress = queueProgressSchema.parse(
        (await call(API.queues.progress, { params: { id }, token: bob.token })).body,
      );
      expect(progress.annotators.map((row) => row.name)).toEqual(['bob']);
      expect(progress.counts).toMatchObject({ items: 1, completeItems: 1, done: 2 });
    }
  });

  it('shuffles pairwise sides per annotator and records the shown order with the preference', async () => {
    await createQueue({ id: 'pairs', name: 'Pairs', kind: 'pairwise', overlap: 50 });
    const itemIds = await addItems(
      'pairs',
      Array.from({ length: 6 }, (_, index) => ({
        messages: [{ role: 'user', content: `Question ${index}` }],
        responses: [{ text: `first ${index}` }, { text: `second ${index}` }],
      })),
    );
    const orders = new Set<string>();
    for (const itemId of itemIds) {
      const view = queueItemViewSchema.parse(
        (await call(API.queues.item, { params: { id: 'pairs', itemId }, token: ada.token })).body,
      );
      const again = queueItemViewSchema.parse(
        (await call(API.queues.item, { params: { id: 'pairs', itemId }, token: ada.token })).body,
      );
      expect(again.shownOrder).toEqual(view.shownOrder);
      orders.add(JSON.stringify(view.shownOrder));
      const answered = queueAnswerResultSchema.parse(
        (
          await call(API.queues.answer, {
            params: { id: 'pairs', itemId },
            body: { preference: 'A' },
            token: ada.token,
          })
        ).body,
      ).answer;
      expect(answered.shownOrder).toEqual(view.shownOrder);
      // A is the first side shown: the item's first response when shown first.
      expect(answered.preferred).toBe(view.shownOrder?.[0] === 0 ? 'first' : 'second');
      expect(view.shown?.[0]?.text.startsWith(answered.preferred === 'first' ? 'first' : 'second')).toBe(true);
    }
    expect(orders.size).toBe(2);
  });

  it('lets only the queue’s assignees work it, and hides it from others', async () => {
    await createQueue({ id: 'named', name: 'Only ada', assignees: { names: ['ada'], roles: [] } });
    await addItems('named', [{ response: 'Only for ada' }]);
    expect((await call(API.queues.next, { params: { id: 'named' }, body: {}, token: bob.token })).status).toBe(404);
    const bobsList = queueListResponseSchema.parse((await call(API.queues.list, { token: bob.token })).body);
    expect(bobsList.queues.map((summary) => summary.queue.id)).not.toContain('named');
    expect((await call(API.queues.next, { params: { id: 'named' }, body: {}, token: ada.token })).status).toBe(200);
  });

  it('records exactly N answers when 50 annotators ask for and answer the last open slot at once', async () => {
    await createQueue({ id: 'race', name: 'Race', overlap: 3, questions: { thumb: 'required' } });
    const [item] = await addItems('race', [{ response: 'Contested' }]);
    const itemId = item as string;
    for (const who of [ada, bob]) {
      await call(API.queues.next, { params: { id: 'race' }, body: {}, token: who.token });
      expect(
        (await call(API.queues.answer, { params: { id: 'race', itemId }, body: { thumb: 'up' }, token: who.token }))
          .status,
      ).toBe(200);
    }
    const racers = [];
    for (let index = 0; index < 50; index++) racers.push(await addUser(server, 'annotator', `racer-${index}`));
    const outcomes = await Promise.all(
      racers.map(async (racer) => {
        const next = await call(API.queues.next, { params: { id: 'race' }, body: {}, token: racer.token });
        const answer = await call(API.queues.answer, {
          params: { id: 'race', itemId },
          body: { thumb: 'down' },
          token: racer.token,
        });
        return {
          next: next.status,
          answer: answer.status,
          code: (answer.body as { error?: { code: string } }).error?.code,
        };
      }),
    );
    expect(outcomes.every((outcome) => outcome.next === 200)).toBe(true);
    expect(outcomes.filter((outcome) => outcome.answer === 200)).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.answer !== 200)) {
      expect(outcome.answer).toBe(409);
      expect(['queue_item_complete', 'queue_item_held']).toContain(outcome.code);
    }
    const rows = await server.database.query<{ n: number }>(
      kind === 'sqlite'
        ? "SELECT count(*) AS n FROM queue_answers WHERE queue_id = 'race' AND status = 'done'"
        : "SELECT count(*)::int AS n FROM queue_answers WHERE queue_id = 'race' AND status = 'done'",
    );
    expect(rows[0]?.n).toBe(3);
  }, 180_000);

  it('records a skip with its reason and serves the next item', async () => {
    await createQueue({ id: 'skips', name: 'Skips' });
    const [first, second] = await addItems('skips', [{ response: 'one' }, { response: 'two' }]);
    const served = queueNextSchema.parse(
      (await call(API.queues.next, { params: { id: 'skips' }, body: {}, token: ada.token })).body,
    );
    expect(served.item?.item.id).toBe(first);
    const noReason = await call(API.queues.skip, {
      params: { id: 'skips', itemId: first as string },
      body: {},
      token: ada.token,
    });
    expect(noReason.status).toBe(400);
    const skipped = await call(API.queues.skip, {
      params: { id: 'skips', itemId: first as string },
      body: { reason: 'not my language' },
      token: ada.token,
    });
    expect(queueAnswerResultSchema.parse(skipped.body).answer).toMatchObject({
      status: 'skipped',
      reason: 'not my language',
    });
    const next = queueNextSchema.parse(
      (await call(API.queues.next, { params: { id: 'skips' }, body: {}, token: ada.token })).body,
    );
    expect(next.item?.item.id).toBe(second);
    expect(next.remaining).toBe(0);
  });
});
