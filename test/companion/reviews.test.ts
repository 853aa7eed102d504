import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReviewService } from '../../companion/src/reviews/review-service.ts';
import { type Review, type ReviewListResponse, reviewRequestSchema } from '../../shared/index.ts';
import { openTestStores, STORE_KINDS } from '../support/stores.ts';
import {
  allAnnotations,
  call,
  counts,
  createReview,
  decide,
  errorOf,
  getReview,
  reviewRequest,
  until,
} from './reviews-helpers.ts';
import { rawRequest } from './support/raw-http.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const ADA = { title: 'Dr', first_name: 'Ada', last_name: 'Lovelace' };

describe.each(STORE_KINDS)('review queue (%s)', (kind) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ store: kind });
  });
  afterEach(() => server.close());

  it('creates a pending review that expires after its timeout', async () => {
    const { status, review, created } = await createReview(server, { timeout: 90 });
    expect(status).toBe(201);
    expect(created).toBe(true);
    expect(review).toMatchObject({
      status: 'pending',
      title: 'Approve the generated customer',
      output: 'Ada Lovelace',
      input: null,
      reviewer: null,
      resolvedAt: null,
      annotationId: null,
      key: null,
      timeout: 90,
    });
    expect(Date.parse(review.expiresAt as string) - Date.parse(review.createdAt)).toBe(90_000);
    expect(await getReview(server, review.id)).toEqual(review);
  });

  it('keeps who asked for the review and returns it from get and list; a replay without it stays the same review', async () => {
    const { review } = await createReview(server, { requestedBy: 'nightly-eval', key: 'asked-by-1' });
    expect(review.requestedBy).toBe('nightly-eval');
    expect(await getReview(server, review.id)).toMatchObject({ requestedBy: 'nightly-eval' });
    const unnamed = await createReview(server, { key: 'asked-by-2' });
    expect(unnamed.review.requestedBy).toBeNull();
    const replay = await createReview(server, { key: 'asked-by-2' });
    expect(replay).toMatchObject({ status: 200, created: false, review: { id: unnamed.review.id } });
    const list = await call(server, 'GET', '/api/v1/reviews?status=pending');
    expect((list.json() as ReviewListResponse).reviews.map((summary) => summary.requestedBy)).toEqual([
      'nightly-eval',
      null,
    ]);
    const refused = await call(server, 'POST', '/api/v1/reviews', reviewRequest({ requestedBy: '  ' }));
    expect(refused.status).toBe(400);
    expect(errorOf(refused).issues?.map((issue) => issue.path)).toContain('requestedBy');
  });

  it('approve: a waiting poll resumes with the typed input, and the decision is stored as an annotation', async () => {
    const { review } = await createReview(server, { metadata: { run: 'nightly-7' } });
    const waiting = getReview(server, review.id, 30);
    await until(async () => (await counts(server)).waiters === 1, 5_000, 'the long poll');
    const response = await decide(server, review.id, {
      decision: 'approve',
      input: { ...ADA, age: 36 },
      reviewer: 'grace',
      comment: 'Looks right.',
    });
    expect(response.status, response.text).toBe(200);
    const resumed = await waiting;
    // The default of the field left out (newsletter) is filled in.
    expect(resumed).toMatchObject({
      status: 'approved',
      input: { ...ADA, age: 36, newsletter: false },
      reviewer: 'grace',
      comment: 'Looks right.',
      annotationId: review.id,
    });
    expect(Date.parse(resumed.resolvedAt as string)).toBeGreaterThanOrEqual(Date.parse(review.createdAt));
    expect(response.json()).toEqual(resumed);

    const annotations = await allAnnotations(server);
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatchObject({
      id: review.id,
      site: 'review',
      key: `review:${review.id}:${review.id}`,
      url: `http://${server.host}/api/v1/reviews/${review.id}`,
      thumb: 'up',
      score: null,
      annotator: 'grace',
      comment: 'Looks right.',
      context: [{ role: 'user', content: 'Invent a customer name.' }],
      response: 'Ada Lovelace',
      metadata: {
        run: 'nightly-7',
        review_id: review.id,
        review_title: 'Approve the generated customer',
        review_status: 'approved',
        'input.title': 'Dr',
        'input.first_name': 'Ada',
        'input.last_name': 'Lovelace',
        'input.age': 36,
        'input.newsletter': false,
      },
    });
  });

  it('reject: partial answers are allowed, and the annotation is a thumbs-down', async () => {
    const { review } = await createReview(server, { key: 'run-1:names' });
    const response = await decide(server, review.id, {
      decision: 'reject',
      input: { first_name: 'Bob' },
      reviewer: 'grace',
      comment: 'Not a real name.',
    });
    expect(response.status, response.text).toBe(200);
    expect(response.json()).toMatchObject({ status: 'rejected', input: { first_name: 'Bob' }, reviewer: 'grace' });
    const [annotation] = await allAnnotations(server);
    expect(annotation).toMatchObject({
      thumb: 'down',
      comment: 'Not a real name.',
      metadata: { review_status: 'rejected', review_key: 'run-1:names', 'input.first_name': 'Bob' },
    });
    expect(annotation?.metadata['input.last_name']).toBeUndefined();

    // A rejection without answers stores none.
    const other = await createReview(server);
    const bare = await decide(server, other.review.id, { decision: 'reject', reviewer: 'grace' });
    expect(bare.json()).toMatchObject({ status: 'rejected', input: null, comment: '' });
  });

  it('invalid input is a 400 with field paths, and the review stays pending', async () => {
    const { review } = await createReview(server);
    const response = await decide(server, review.id, {
      decision: 'approve',
      input: { title: 'Sir', first_name: '', age: 12.5, nickname: 'Lady A' },
      reviewer: 'grace',
    });
    expect(response.status).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/still pending/);
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'input.title', message: 'must be one of "Dr", "Mr", "Ms", "Mx"' },
        { path: 'input.first_name', message: 'must not be empty' },
        { path: 'input.last_name', message: 'is required' },
        { path: 'input.age', message: 'must be a whole number' },
        { path: 'input', message: 'not a field of this form: "nickname"' },
      ]),
    );
    expect(error.issues).toHaveLength(5);
    const missing = await decide(server, review.id, { decision: 'approve', reviewer: 'grace' });
    expect(
      errorOf(missing)
        .issues?.map((issue) => issue.path)
        .sort(),
    ).toEqual(['input.first_name', 'input.last_name', 'input.title']);
    // A wrong type for a field, and an envelope mistake, are reported the same way.
    const envelope = await decide(server, review.id, { decision: 'maybe', input: { title: 3 } });
    expect(envelope.status).toBe(400);
    expect(
      errorOf(envelope)
        .issues?.map((issue) => issue.path)
        .sort(),
    ).toEqual(['decision', 'reviewer']);

    expect((await getReview(server, review.id)).status).toBe('pending');
    expect(await allAnnotations(server)).toEqual([]);
    // Fixed, it goes through.
    expect((await decide(server, review.id, { decision: 'approve', input: ADA, reviewer: 'grace' })).status).toBe(200);
  });

  it('a review without a form is approved with no answers, and refuses any', async () => {
    const { review } = await createReview(server, { form: null });
    const extra = await decide(server, review.id, { decision: 'approve', input: { x: 1 }, reviewer: 'ann' });
    expect(extra.status).toBe(400);
    expect(errorOf(extra).issues).toEqual([{ path: 'input', message: 'not a field of this form: "x"' }]);
    const ok = await decide(server, review.id, { decision: 'approve', reviewer: 'ann' });
    expect(ok.json()).toMatchObject({ status: 'approved', input: {} });
  });

  it('a decided, cancelled or expired review cannot be decided again (409) and nothing changes', async () => {
    const { review } = await createReview(server);
    await decide(server, review.id, { decision: 'approve', input: ADA, reviewer: 'grace' });
    const again = await decide(server, review.id, { decision: 'reject', reviewer: 'mallory' });
    expect(again.status).toBe(409);
    expect(errorOf(again)).toMatchObject({ code: 'review_resolved' });
    expect(errorOf(again).message).toMatch(/already approved/);
    const cancel = await call(server, 'POST', `/api/v1/reviews/${review.id}/cancel`, {});
    expect(cancel.status).toBe(409);
    expect(await getReview(server, review.id)).toMatchObject({ status: 'approved', reviewer: 'grace' });
    expect(await allAnnotations(server)).toHaveLength(1);
  });

  it('cancel wakes waiters with status cancelled and the reason', async () => {
    const { review } = await createReview(server);
    const waiting = getReview(server, review.id, 30);
    await until(async () => (await counts(server)).waiters === 1, 5_000, 'the long poll');
    const response = await call(server, 'POST', `/api/v1/reviews/${review.id}/cancel`, { reason: 'run aborted' });
    expect(response.status, response.text).toBe(200);
    expect(await waiting).toMatchObject({ status: 'cancelled', comment: 'run aborted', reviewer: null, input: null });
    // An empty body is fine too: the reason is optional.
    const other = await createReview(server);
    const bare = await call(server, 'POST', `/api/v1/reviews/${other.review.id}/cancel`, {});
    expect(bare.json()).toMatchObject({ status: 'cancelled', comment: null });
    expect(await allAnnotations(server)).toEqual([]);
    const late = await decide(server, review.id, { decision: 'approve', input: ADA, reviewer: 'grace' });
    expect(errorOf(late).message).toMatch(/already cancelled/);
  });

  it('expires on its timer: a waiter learns it at the expiry time, and a late decision is refused', async () => {
    const started = Date.now();
    const { review } = await createReview(server, { timeout: 0.4 });
    const expired = await getReview(server, review.id, 20);
    const waited = Date.now() - started;
    expect(expired.status).toBe('expired');
    expect(expired.resolvedAt).toBe(expired.expiresAt);
    expect(waited).toBeGreaterThanOrEqual(350);
    expect(waited).toBeLessThan(5_000);
    const late = await decide(server, review.id, { decision: 'approve', input: ADA, reviewer: 'grace' });
    expect(late.status).toBe(409);
    expect(errorOf(late).message).toMatch(/already expired/);
    expect((await counts(server)).expired).toBe(1);
  });

  it('the same idempotency key returns the same review; other content under it is a 409', async () => {
    const first = await createReview(server, { key: 'pipeline-42:names' });
    const second = await createReview(server, { key: 'pipeline-42:names' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.created).toBe(false);
    expect(second.review).toEqual(first.review);
    // Key order in the JSON does not matter: it is the same request.
    const reordered = Object.fromEntries(Object.entries(reviewRequest({ key: 'pipeline-42:names' })).reverse());
    const third = await call(server, 'POST', '/api/v1/reviews', reordered);
    expect(third.status).toBe(200);
    expect((third.json() as { review: Review }).review.id).toBe(first.review.id);

    const conflict = await call(
      server,
      'POST',
      '/api/v1/reviews',
      reviewRequest({ key: 'pipeline-42:names', output: 'Bob' }),
    );
    expect(conflict.status).toBe(409);
    expect(errorOf(conflict)).toMatchObject({ code: 'idempotency_conflict' });
    expect(errorOf(conflict).message).toContain(first.review.id);

    // After the decision the key still names that review, with its outcome.
    await decide(server, first.review.id, { decision: 'approve', input: ADA, reviewer: 'grace' });
    const replay = await createReview(server, { key: 'pipeline-42:names' });
    expect(replay.review).toMatchObject({
      id: first.review.id,
      status: 'approved',
      input: { ...ADA, newsletter: false },
    });
    const list = (await call(server, 'GET', '/api/v1/reviews?status=all')).json() as ReviewListResponse;
    expect(list.total).toBe(1);
  });

  it('100 concurrent waiters are all woken by one decision, and none is left behind', async () => {
    const { review } = await createReview(server);
    const waiters = Array.from({ length: 100 }, () => getReview(server, review.id, 30));
    await until(async () => (await counts(server)).waiters === 100, 20_000, '100 long polls');
    const response = await decide(server, review.id, { decision: 'approve', input: ADA, reviewer: 'grace' });
    expect(response.status).toBe(200);
    const results = await Promise.all(waiters);
    expect(results.map((result) => result.status)).toEqual(Array(100).fill('approved'));
    expect(new Set(results.map((result) => JSON.stringify(result.input))).size).toBe(1);
    expect((await counts(server)).waiters).toBe(0);
  });

  it('a client that hangs up mid-wait leaves no listener behind', async () => {
    const { review } = await createReview(server);
    const sockets = Array.from({ length: 10 }, () => {
      const req = request({
        host: '127.0.0.1',
        port: server.port,
        path: `/api/v1/reviews/${review.id}?wait=30`,
        headers: { host: server.host, authorization: `Bearer ${server.token}` },
        agent: false,
      });
      req.on('error', () => {}); // we are the ones hanging up
      req.end();
      return req;
    });
    await until(async () => (await counts(server)).waiters === 10, 5_000, '10 long polls');
    for (const socket of sockets) socket.destroy();
    await until(async () => (await counts(server)).waiters === 0, 5_000, 'the waiters to go');
    expect((await getReview(server, review.id)).status).toBe('pending');
  });

  it('a wait with nothing happening answers pending when it ends', async () => {
    const { review } = await createReview(server);
    const started = Date.now();
    const result = await getReview(server, review.id, 0.3);
    expect(result.status).toBe('pending');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await counts(server)).waiters).toBe(0);
  });

  it('refuses unsupported form keywords and impossible forms with their paths', async () => {
    const response = await call(
      server,
      'POST',
      '/api/v1/reviews',
      reviewRequest({
        form: {
          type: 'object',
          properties: {
            email: { type: 'string', pattern: '.+@.+', format: 'email' },
            tags: { type: 'array' } as never,
            stars: { type: 'integer', minimum: 5, maximum: 1 },
            size: { type: 'string', enum: ['S', 'M'], default: 'XL' },
          },
          required: ['email'],
        } as never,
      }),
    );
    expect(response.status).toBe(400);
    expect(errorOf(response).issues).toEqual(
      expect.arrayContaining([
        { path: 'form.properties.email.pattern', message: expect.stringMatching(/^unsupported keyword "pattern"/) },
        { path: 'form.properties.email.format', message: expect.stringMatching(/^unsupported keyword "format"/) },
        { path: 'form.properties.tags.type', message: expect.stringMatching(/arrays, objects/) },
        { path: 'form.properties.stars.minimum', message: 'the lower bound is above the upper bound' },
        { path: 'form.properties.size.default', message: expect.stringMatching(/does not fit/) },
      ]),
    );
    const required = await call(
      server,
      'POST',
      '/api/v1/reviews',
      reviewRequest({ form: { type: 'object', properties: {}, required: ['ghost'] } as never }),
    );
    expect(errorOf(required).issues).toEqual([
      { path: 'form.required.0', message: '"ghost" is not one of the properties' },
    ]);
    const both = await call(server, 'POST', '/api/v1/reviews', reviewRequest({ rows: [{ a: 1 }] }));
    expect(errorOf(both).issues?.[0]?.path).toBe('rows');
    expect((await counts(server)).pending).toBe(0);
  });

  it('reviews a table: its rows become the annotation response, one JSON object per line', async () => {
    const rows = [
      { first: 'Ada', last: 'Lovelace', born: 1815 },
      { first: 'Alan', last: 'Turing', born: 1912 },
    ];
    const { review } = await createReview(server, { output: null, rows, form: null, messages: [] });
    expect(review.rows).toEqual(rows);
    await decide(server, review.id, { decision: 'approve', reviewer: 'grace' });
    const [annotation] = await allAnnotations(server);
    expect(annotation?.response.split('\n').map((line) => JSON.parse(line))).toEqual(rows);
  });

  it('decisions reach the datasets with source=review: approved outputs are desirable KTO examples, rejected ones undesirable', async () => {
    const good = await createReview(server, { output: 'Ada Lovelace', form: null });
    const bad = await createReview(server, { output: 'Xx_Ada_xX', form: null });
    await decide(server, good.review.id, { decision: 'approve', reviewer: 'grace' });
    await decide(server, bad.review.id, { decision: 'reject', reviewer: 'grace', comment: 'not a name' });
    // Reviews are a source of their own: exports leave them out unless asked (`source=review`).
    const byDefault = await call(server, 'GET', '/api/v1/export?format=trl-kto');
    expect(byDefault.status, byDefault.text).toBe(200);
    expect(byDefault.text).toBe('');
    const kto = await call(server, 'GET', '/api/v1/export?format=trl-kto&site=review&source=review');
    expect(kto.status, kto.text).toBe(200);
    const lines = kto.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { prompt: unknown[]; completion: Array<{ content: string }>; label: boolean });
    expect(lines.map((line) => [line.completion[0]?.content, line.label]).sort()).toEqual([
      ['Ada Lovelace', true],
      ['Xx_Ada_xX', false],
    ]);
    expect(lines[0]?.prompt).toEqual([{ role: 'user', content: 'Invent a customer name.' }]);
    const sft = await call(server, 'GET', '/api/v1/export?format=openai-sft&site=review&source=review');
    expect(sft.text.trim().split('\n')).toHaveLength(1);
    expect(sft.text).toContain('Ada Lovelace');
  });

  it('lists pending reviews oldest first with counts, for the inbox and the extension badge', async () => {
    const a = await createReview(server, { title: 'first' });
    const b = await createReview(server, { title: 'second', output: null, rows: [{ x: 1 }, { x: 2 }] });
    const c = await createReview(server, { title: 'third' });
    await decide(server, b.review.id, { decision: 'approve', input: ADA, reviewer: 'grace' });
    const pending = (await call(server, 'GET', '/api/v1/reviews')).json() as ReviewListResponse;
    expect(pending.total).toBe(2);
    expect(pending.reviews.map((review) => review.title)).toEqual(['first', 'third']);
    expect(pending.reviews[0]).toEqual({
      id: a.review.id,
      key: null,
      title: 'first',
      status: 'pending',
      createdAt: a.review.createdAt,
      expiresAt: a.review.expiresAt,
      resolvedAt: null,
      reviewer: null,
      requestedBy: null,
      messageCount: 1,
      rowCount: 0,
      fieldCount: 5,
      hasOutput: true,
    });
    const page = (await call(server, 'GET', '/api/v1/reviews?limit=1&offset=1')).json() as ReviewListResponse;
    expect(page.reviews.map((review) => review.id)).toEqual([c.review.id]);
    const approved = (await call(server, 'GET', '/api/v1/reviews?status=approved')).json() as ReviewListResponse;
    expect(approved.reviews).toMatchObject([{ id: b.review.id, rowCount: 2, hasOutput: false, reviewer: 'grace' }]);
    expect(await counts(server)).toEqual({
      pending: 2,
      approved: 1,
      rejected: 0,
      expired: 0,
      cancelled: 0,
      waiters: 0,
    });
    const bad = await call(server, 'GET', '/api/v1/reviews?status=done&limit=0');
    expect(
      errorOf(bad)
        .issues?.map((issue) => issue.path)
        .sort(),
    ).toEqual(['limit', 'status']);
  });

  it('answers unknown ids with 404 and bad waits with 400', async () => {
    const missing = await call(server, 'GET', '/api/v1/reviews/6f1d0d4e-8a43-4c4b-9d53-4f0b5f3b9a11?wait=5');
    expect(missing.status).toBe(404);
    expect(errorOf(missing).code).toBe('review_not_found');
    expect((await call(server, 'GET', '/api/v1/reviews/not-a-uuid')).status).toBe(404);
    const { review } = await createReview(server);
    const tooLong = await call(server, 'GET', `/api/v1/reviews/${review.id}?wait=61`);
    expect(tooLong.status).toBe(400);
    expect(errorOf(tooLong).issues?.[0]?.path).toBe('wait');
    expect((await call(server, 'GET', `/api/v1/reviews/${review.id}?wait=-1`)).status).toBe(400);
    expect((await call(server, 'GET', `/api/v1/reviews/${review.id}?later=1`)).status).toBe(400);
  });

  it('is behind the boundary: no token, a foreign origin or a form body are refused', async () => {
    const { review } = await createReview(server);
    const noToken = await server.send({ path: `/api/v1/reviews/${review.id}`, token: null });
    expect(noToken.status).toBe(401);
    expect((await server.send({ path: '/api/v1/reviews/counts', token: null })).status).toBe(401);
    const foreign = await server.send({
      method: 'POST',
      path: `/api/v1/reviews/${review.id}/decision`,
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve', input: ADA, reviewer: 'evil' }),
    });
    expect(foreign.status).toBe(403);
    const form = await server.send({
      method: 'POST',
      path: `/api/v1/reviews/${review.id}/decision`,
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ decision: 'approve', input: ADA, reviewer: 'evil' }),
    });
    expect(form.status).toBe(415);
    expect((await getReview(server, review.id)).status).toBe('pending');
  });
});

describe.each(STORE_KINDS)('long polls and the server lifecycle (%s)', (kind) => {
  it('a wait outlives the request timeout (which only covers receiving the request)', async () => {
    const server = await startTestServer({
      store: kind,
      timeouts: { headersMs: 500, requestMs: 500, checkIntervalMs: 100 },
    });
    try {
      const { review } = await createReview(server);
      const result = await getReview(server, review.id, 1.5);
      expect(result.status).toBe('pending');
    } finally {
      await server.close();
    }
  });

  it('shutdown answers long polls at once with the review as it is, and it is still pending after', async () => {
    const server = await startTestServer({ store: kind, shutdownGraceMs: 20_000 });
    const { review } = await createReview(server);
    const waiting = rawRequest(server.port, {
      path: `/api/v1/reviews/${review.id}?wait=30`,
      headers: { host: server.host, authorization: `Bearer ${server.token}` },
    });
    await until(async () => (await counts(server)).waiters === 1, 5_000, 'the long poll');
    const started = Date.now();
    await server.running.close();
    const response = await waiting;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(response.status).toBe(200);
    expect((response.json() as Review).status).toBe('pending');
    await server.close();
  });
});

describe.each(STORE_KINDS)('lazy expiry (%s)', (kind) => {
  it('a read after the expiry time expires the review even before its timer fires', async () => {
    const { stores, remove } = await openTestStores(kind, 'lazy_expiry');
    // The clock jumps an hour ahead; the real timer (an hour away in real time) never gets a chance.
    let now = Date.parse('2026-11-01T10:00:00.000Z');
    const reviews = new ReviewService({ store: stores.reviews, clock: () => new Date(now) });
    try {
      const { review } = await reviews.create(reviewRequestSchema.parse(reviewRequest({ timeout: 3600 })));
      now += 3_599_000;
      expect((await reviews.get(review.id))?.status).toBe('pending');
      now += 1_000;
      expect(await reviews.get(review.id)).toMatchObject({
        status: 'expired',
        resolvedAt: '2026-11-01T11:00:00.000Z',
      });
      await expect(
        reviews.decide(review.id, { decision: 'approve', reviewer: 'r', comment: '' }, 'http://127.0.0.1:1'),
      ).rejects.toThrow(/already expired/);
      // A wait on it returns at once.
      expect((await reviews.wait(review.id, 30_000))?.status).toBe('expired');
      expect(reviews.waiters).toBe(0);
    } finally {
      reviews.close();
      await remove();
    }
  });
});
