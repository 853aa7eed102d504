import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API,
  auditResponseSchema,
  itemDisagreements,
  type QueueAnswer,
  queueAdjudicatedSchema,
  queueAdjudicationsSchema,
  queueAnswersSchema,
  queueCreateSchema,
  queueDisagreementsSchema,
  queueItemsAddedSchema,
  type RouteContract,
  routePath,
} from '../../shared/index.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { addUser } from './support/route-samples.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const RUBRIC = [
  { id: 'tone', label: 'Tone', kind: 'choice', options: ['ok', 'rude'], required: false },
  { id: 'facts', label: 'Facts (1–5)', kind: 'number', min: 1, max: 5, required: false },
  { id: 'safe', label: 'Safe', kind: 'yes-no', required: false },
  { id: 'why', label: 'Why', kind: 'text', required: false },
] as const;

describe('itemDisagreements', () => {
  const { filter: _filter, ...settings } = queueCreateSchema.parse({
    id: 'unit',
    name: 'Unit',
    questions: { score: 'optional', rubric: RUBRIC },
  });
  const queue = { ...settings, createdAt: '2026-12-01T00:00:00.000Z', createdBy: 'lead' };
  const answer = (annotator: string, fields: Partial<QueueAnswer>): QueueAnswer => ({
    queueId: 'unit',
    itemId: `qi-${'0'.repeat(28)}`,
    annotator,
    status: 'done',
    thumb: 'up',
    score: null,
    comment: '',
    correction: null,
    rubric: {},
    preference: null,
    shownOrder: null,
    preferred: null,
    reason: null,
    leasedAt: null,
    answeredAt: '2026-12-01T00:00:00.000Z',
    ...fields,
  });

  it('finds nominal differences, spreads above the threshold (numbers scaled to 0–100), and ignores free text', () => {
    const answers = [
      answer('ada', { score: 40, rubric: { tone: 'ok', facts: 2, safe: true, why: 'a' } }),
      answer('bob', { score: 60, rubric: { tone: 'ok', facts: 4, safe: false, why: 'b' }, comment: 'x' }),
      answer('cy', { score: 55, rubric: { tone: 'ok', safe: true } }),
    ];
    expect(itemDisagreements(queue, answers, 20)).toEqual([
      { question: 'rubric.facts', level: 'interval', values: [2, 4], spread: 50 },
      { question: 'rubric.safe', level: 'nominal', values: [true, false, true], spread: null },
    ]);
    // A spread equal to the threshold is agreement; one point less makes the score disagree.
    expect(itemDisagreements(queue, answers, 19).map((q) => q.question)).toEqual([
      'score',
      'rubric.facts',
      'rubric.safe',
    ]);
  });

  it('needs two answers to a question, leaves skips out, and compares pairwise choices in the item’s order', () => {
    const skipped = answer('bob', { status: 'skipped', thumb: null, reason: 'no' });
    expect(itemDisagreements(queue, [answer('ada', { thumb: 'up' }), skipped], 20)).toEqual([]);
    expect(itemDisagreements(queue, [answer('ada', { rubric: { facts: 1 } }), answer('bob', {})], 0)).toEqual([]);
    const pair = [answer('ada', { preferred: 'first' }), answer('bob', { preferred: 'second' })];
    expect(itemDisagreements(queue, pair, 20)).toEqual([
      { question: 'preference', level: 'nominal', values: ['first', 'second'], spread: null },
    ]);
  });
});

describe.each(STORE_KINDS)('adjudication over HTTP (%s)', (kind) => {
  let server: TestServer;
  const people: Record<string, { name: string; token: string }> = {};

  beforeAll(async () => {
    server = await startTestServer({ store: kind });
    for (const name of ['ada', 'bob', 'cy']) people[name] = await addUser(server, 'annotator', name);
    people.vera = await addUser(server, 'viewer', 'vera');
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
    return { status: response.status, body: response.json() as unknown };
  }

  async function queueWith(body: Record<string, unknown>, items: unknown[]): Promise<string[]> {
    const created = await call(API.queues.create, { body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const added = await call(API.queues.addItems, { params: { id: body.id as string }, body: { items } });
    return queueItemsAddedSchema.parse(added.body).itemIds;
  }

  async function answer(id: string, itemId: string, who: string, body: Record<string, unknown>) {
    const answered = await call(API.queues.answer, { params: { id, itemId }, body, token: people[who]?.token });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
  }

  it('lists disagreeing items, most disputed first, with every annotator named even in a blind queue', async () => {
    const id = 'disputes';
    const [mild, wide, agreed, single] = await queueWith(
      { id, name: 'Disputes', overlap: 3, blind: true, questions: { score: 'optional', rubric: RUBRIC } },
      ['mild', 'wide', 'agreed', 'single'].map((response) => ({ response })),
    );
    const given = {
      ada: [
        [mild, { thumb: 'up', score: 80 }],
        [wide, { thumb: 'up', score: 10, rubric: { tone: 'ok', facts: 1 } }],
        [agreed, { thumb: 'up', score: 50 }],
        [single, { thumb: 'down' }],
      ],
      bob: [
        [mild, { thumb: 'down', score: 85 }],
        [wide, { thumb: 'up', score: 50, rubric: { tone: 'rude', facts: 5 } }],
        [agreed, { thumb: 'up', score: 60 }],
      ],
      cy: [
        [mild, { thumb: 'up', score: 90 }],
        [wide, { thumb: 'up', score: 90, rubric: { tone: 'ok', facts: 5 } }],
        [agreed, { thumb: 'up', score: 70 }],
      ],
    } as const;
    for (const [who, list] of Object.entries(given))
      for (const [itemId, body] of list) await answer(id, itemId as string, who, body);

    const listed = await call(API.queues.disagreements, { params: { id } });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const report = queueDisagreementsSchema.parse(listed.body);
    expect(report).toMatchObject({ queueId: id, threshold: 20, compared: 3 });
    expect(report.items.map((entry) => entry.item.id)).toEqual([wide, mild]);
    expect(report.items[0]?.questions).toEqual([
      { question: 'score', level: 'interval', values: [10, 50, 90], spread: 80 },
      { question: 'rubric.tone', level: 'nominal', values: ['ok', 'rude', 'ok'], spread: null },
      { question: 'rubric.facts', level: 'interval', values: [1, 5, 5], spread: 100 },
    ]);
    expect(report.items[1]?.questions).toEqual([
      { question: 'thumb', level: 'nominal', values: ['up', 'down', 'up'], spread: null },
    ]);
    expect(report.items[1]?.answers.map((a) => [a.annotator, a.thumb])).toEqual([
      ['ada', 'up'],
      ['bob', 'down'],
      ['cy', 'up'],
    ]);
    expect(report.items.every((entry) => entry.adjudication === null)).toBe(true);

    const strict = queueDisagreementsSchema.parse(
      (await call(API.queues.disagreements, { params: { id }, query: '?threshold=90' })).body,
    );
    expect(strict.items[0]?.questions.map((q) => q.question)).toEqual(['rubric.tone', 'rubric.facts']);
    const bad = await call(API.queues.disagreements, { params: { id }, query: '?threshold=200' });
    expect(bad.status).toBe(400);

    // Only an admin adjudicates: annotators of the queue and viewers are refused.
    for (const who of ['ada', 'vera']) {
      expect((await call(API.queues.disagreements, { params: { id }, token: people[who]?.token })).status).toBe(403);
    }
  });

  it('records the final answer apart from the answers, checks it, and audits each re-decision', async () => {
    const id = 'final';
    const [itemId] = await queueWith({ id, name: 'Final', overlap: 2, questions: { rubric: [RUBRIC[0]] } }, [
      { response: 'Decide me' },
    ]);
    const item = itemId as string;
    await answer(id, item, 'ada', { thumb: 'up' });
    await answer(id, item, 'bob', { thumb: 'down' });
    const params = { id, itemId: item };

    const wrong = await call(API.queues.adjudicate, {
      params,
      body: { rubric: { tone: 'loud' }, preferred: 'first' },
    });
    expect(wrong.status).toBe(400);
    const paths = (wrong.body as { error: { issues: { path: string }[] } }).error.issues.map((issue) => issue.path);
    expect(paths.sort()).toEqual(['preferred', 'rubric.tone', 'thumb']);
    const byAnnotator = await call(API.queues.adjudicate, { params, body: { thumb: 'up' }, token: people.ada?.token });
    expect(byAnnotator.status).toBe(403);
    const missing = await call(API.queues.adjudicate, {
      params: { id, itemId: `qi-${'f'.repeat(28)}` },
      body: { thumb: 'up' },
    });
    expect(missing.status).toBe(404);

    const first = queueAdjudicatedSchema.parse(
      (await call(API.queues.adjudicate, { params, body: { thumb: 'down', comment: 'rude opener' } })).body,
    );
    expect(first).toMatchObject({
      adjudication: { queueId: id, itemId: item, thumb: 'down', comment: 'rude opener', adjudicator: 'owner' },
      replaced: null,
    });
    const second = queueAdjudicatedSchema.parse(
      (await call(API.queues.adjudicate, { params, body: { thumb: 'up', rubric: { tone: 'ok' } } })).body,
    );
    expect(second.replaced).toEqual(first.adjudication);
    expect(second.adjudication).toMatchObject({ thumb: 'up', rubric: { tone: 'ok' }, comment: '' });

    const stored = queueAdjudicationsSchema.parse(
      (await call(API.queues.adjudications, { params: { id }, token: people.vera?.token })).body,
    );
    expect(stored.adjudications).toEqual([second.adjudication]);
    const report = queueDisagreementsSchema.parse((await call(API.queues.disagreements, { params: { id } })).body);
    expect(report.items[0]?.adjudication).toEqual(second.adjudication);
    const answers = queueAnswersSchema.parse((await call(API.queues.answers, { params: { id } })).body).answers;
    expect(answers.map((a) => [a.annotator, a.thumb])).toEqual([
      ['ada', 'up'],
      ['bob', 'down'],
    ]);

    const audit = await server.send({ method: 'GET', path: '/api/v1/audit?action=queue.adjudicate' });
    const entries = auditResponseSchema.parse(audit.json()).entries.filter((e) => e.target === `${id}/${item}`);
    expect(entries.map((entry) => [entry.actor, entry.details.replaced])).toEqual([
      ['owner', true],
      ['owner', false],
    ]);
  });

  it('takes a pairwise final answer in the item’s own order', async () => {
    const id = 'pair-final';
    const [itemId] = await queueWith({ id, name: 'Pairs', kind: 'pairwise', overlap: 2 }, [
      { responses: [{ text: 'left' }, { text: 'right' }] },
    ]);
    const params = { id, itemId: itemId as string };
    const none = await call(API.queues.adjudicate, { params, body: {} });
    expect((none.body as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toEqual([
      'preferred',
    ]);
    const decided = queueAdjudicatedSchema.parse(
      (await call(API.queues.adjudicate, { params, body: { preferred: 'second' } })).body,
    );
    expect(decided.adjudication.preferred).toBe('second');
  });
});
