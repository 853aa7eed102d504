import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Annotation,
  type FeedbackResult,
  type LogRequestInput,
  type LogResponse,
  valueToRating,
} from '../../shared/index.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { allAnnotations, call, errorOf } from './reviews-helpers.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const TRACE = 'chat-7:msg-3';

function logRequest(overrides: Partial<LogRequestInput> = {}): LogRequestInput {
  return {
    trace_id: TRACE,
    messages: [
      { role: 'system', content: 'You are a travel agent.' },
      { role: 'user', content: 'A weekend in Lisbon?' },
    ],
    response: 'Day 1: Alfama and the castle. Day 2: Belém.',
    model: 'gpt-5-mini',
    metadata: { chain_id: 'trip-planner', user_id: 'u-42' },
    ...overrides,
  };
}

async function write(server: TestServer, path: string, body: unknown) {
  const response = await call(server, 'POST', path, body);
  return { status: response.status, response, result: response.json() as FeedbackResult };
}

describe.each(STORE_KINDS)('logged calls and feedback (%s)', (kind) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ store: kind });
  });
  afterEach(() => server.close());

  it('logs a call as an annotatable record of site api; logging it again is a no-op, other content a 409', async () => {
    const first = await write(server, '/api/v1/logs', logRequest());
    expect(first.status).toBe(201);
    expect(first.result.created).toBe(true);
    expect(first.result.annotation).toMatchObject({
      site: 'api',
      key: `api:${TRACE}:${TRACE}`,
      conversationId: TRACE,
      messageId: TRACE,
      url: `http://${server.host}/api/v1/logs/${encodeURIComponent(TRACE)}`,
      model: 'gpt-5-mini',
      modelSource: 'message',
      response: 'Day 1: Alfama and the castle. Day 2: Belém.',
      thumb: null,
      score: null,
      annotator: 'api',
      revision: 1,
      metadata: { chain_id: 'trip-planner', user_id: 'u-42', trace_id: TRACE },
    });
    expect(first.result.annotation.context).toHaveLength(2);

    const again = await write(server, '/api/v1/logs', logRequest());
    expect(again.status).toBe(200);
    expect(again.result).toEqual({ annotation: first.result.annotation, created: false });

    const conflict = await write(server, '/api/v1/logs', logRequest({ response: 'Something else' }));
    expect(conflict.status).toBe(409);
    expect(errorOf(conflict.response).code).toBe('trace_conflict');

    const read = await call(server, 'GET', `/api/v1/logs/${encodeURIComponent(TRACE)}`);
    expect(read.json()).toEqual({ log: first.result.annotation, feedback: [] } satisfies LogResponse);
    expect((await call(server, 'GET', '/api/v1/logs/nope')).status).toBe(404);
    expect(await server.countRows('annotations')).toBe(1);
  });

  it('feedback without a source updates the log itself: value maps to thumb and score, each change a new revision', async () => {
    const logged = (await write(server, '/api/v1/logs', logRequest())).result.annotation;
    const up = await write(server, '/api/v1/feedback', { trace_id: TRACE, value: 1 });
    expect(up.status).toBe(200);
    expect(up.result.created).toBe(false);
    expect(up.result.annotation).toMatchObject({
      id: logged.id,
      thumb: 'up',
      score: 55,
      revision: 2,
      metadata: { trace_id: TRACE, feedback_value: 1, chain_id: 'trip-planner' },
    });
    // The same feedback again changes nothing (no new revision).
    const replay = await write(server, '/api/v1/feedback', { trace_id: TRACE, value: 1 });
    expect(replay.result.annotation.revision).toBe(2);

    const down = await write(server, '/api/v1/feedback', { trace_id: TRACE, value: -10, weight: 0.25 });
    expect(down.result.annotation).toMatchObject({ thumb: 'down', score: 0, revision: 3 });
    expect(down.result.annotation.metadata).toMatchObject({ feedback_value: -10, feedback_weight: 0.25 });

    // A score replaces the value (and its thumb); null clears.
    const scored = await write(server, '/api/v1/feedback', { trace_id: TRACE, score: 72, weight: null });
    expect(scored.result.annotation).toMatchObject({ thumb: null, score: 72, revision: 4 });
    expect(scored.result.annotation.metadata.feedback_value).toBeUndefined();
    expect(scored.result.annotation.metadata.feedback_weight).toBeUndefined();
    const cleared = await write(server, '/api/v1/feedback', { trace_id: TRACE, value: null });
    expect(cleared.result.annotation).toMatchObject({ thumb: null, score: null, revision: 5 });

    // One current annotation, the superseded versions in history, and sync sees the latest.
    expect(await server.countRows('annotations')).toBe(1);
    expect(await server.countRows('history')).toBe(4);
    const [synced] = await allAnnotations(server);
    expect(synced).toMatchObject({ id: logged.id, revision: 5 });
  });

  it('feedback for the same trace and source updates one annotation; other sources get their own', async () => {
    await write(server, '/api/v1/logs', logRequest());
    const first = await write(server, '/api/v1/feedback', {
      trace_id: TRACE,
      score: 80,
      weight: 0.5,
      comment: 'Good plan, a bit short.',
      metadata: { chain_id: 'trip-planner', user_id: 'u-42', session: 's-1' },
      source: 'end-user',
    });
    expect(first.status).toBe(201);
    expect(first.result).toMatchObject({
      created: true,
      annotation: {
        annotator: 'end-user',
        score: 80,
        thumb: null,
        comment: 'Good plan, a bit short.',
        revision: 1,
        response: 'Day 1: Alfama and the castle. Day 2: Belém.',
        metadata: { trace_id: TRACE, chain_id: 'trip-planner', user_id: 'u-42', session: 's-1', feedback_weight: 0.5 },
      },
    });
    // A later comment from the same source keeps the score and updates the same annotation.
    const second = await write(server, '/api/v1/feedback', {
      trace_id: TRACE,
      comment: 'Actually great.',
      metadata: { session: 's-2' },
      source: 'end-user',
    });
    expect(second.status).toBe(200);
    expect(second.result.annotation).toMatchObject({
      id: first.result.annotation.id,
      score: 80,
      comment: 'Actually great.',
      revision: 2,
      metadata: { session: 's-2', user_id: 'u-42' },
    });
    const judge = await write(server, '/api/v1/feedback', { trace_id: TRACE, value: 7, source: 'llm-judge' });
    expect(judge.status).toBe(201);

    const read = (await call(server, 'GET', `/api/v1/logs/${encodeURIComponent(TRACE)}`)).json() as LogResponse;
    expect(read.log.score).toBeNull();
    expect(read.feedback.map((annotation) => [annotation.annotator, annotation.score, annotation.revision])).toEqual([
      ['end-user', 80, 2],
      ['llm-judge', 85, 1],
    ]);
    expect(await server.countRows('annotations')).toBe(3);
  });

  it('refuses feedback for an unknown trace and bad values, saying what is wrong', async () => {
    const unknown = await write(server, '/api/v1/feedback', { trace_id: 'never-logged', value: 1 });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.response)).toMatchObject({ code: 'trace_not_found' });
    expect(errorOf(unknown.response).message).toMatch(/POST \/api\/v1\/logs/);

    await write(server, '/api/v1/logs', logRequest());
    const cases: Array<[unknown, string]> = [
      [{ trace_id: TRACE, value: 1, score: 50 }, 'score'],
      [{ trace_id: TRACE, value: 11 }, 'value'],
      [{ trace_id: TRACE, value: 1.5 }, 'value'],
      [{ trace_id: TRACE, score: 101 }, 'score'],
      [{ trace_id: TRACE, weight: 2 }, 'weight'],
      [{ trace_id: TRACE, metadata: { nested: { a: 1 } } }, 'metadata.nested'],
      [{ trace_id: TRACE, rating: true }, '(root)'],
      [{ trace_id: 'has space', value: 1 }, 'trace_id'],
      [{ trace_id: TRACE, source: '' }, 'source'],
    ];
    for (const [body, path] of cases) {
      const response = await write(server, '/api/v1/feedback', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(response.response).issues?.map((issue) => issue.path)).toContain(path);
    }
    const proto = await call(server, 'POST', '/api/v1/feedback', `{"trace_id":"${TRACE}","metadata":{"__proto__":1}}`);
    expect(proto.status).toBe(400);
    expect(errorOf(proto).issues?.[0]?.path).toBe('metadata.__proto__');
    // Metadata that would push the annotation over its key limit is refused, not truncated.
    const many = Object.fromEntries(Array.from({ length: 49 }, (_, index) => [`k${index}`, index]));
    const tooMany = await write(server, '/api/v1/feedback', { trace_id: TRACE, metadata: many, source: 'bulk' });
    expect(tooMany.status).toBe(400);
    expect(errorOf(tooMany.response).issues?.[0]?.path).toBe('metadata');
    const badLog = await write(server, '/api/v1/logs', { trace_id: 'x', messages: [{ role: 'robot', content: '' }] });
    expect(
      errorOf(badLog.response)
        .issues?.map((issue) => issue.path)
        .sort(),
    ).toEqual(['messages.0.role', 'response']);
    expect(await server.countRows('annotations')).toBe(1);
  });

  it('logged calls and their feedback are in a raw export with source=api, and approvals reach the training formats', async () => {
    await write(server, '/api/v1/logs', logRequest());
    await write(server, '/api/v1/feedback', { trace_id: TRACE, value: 1, comment: 'helpful' });
    await write(server, '/api/v1/logs', logRequest({ trace_id: 'chat-7:msg-5', response: 'Stay home.' }));
    await write(server, '/api/v1/feedback', { trace_id: 'chat-7:msg-5', value: -5, source: 'end-user' });

    // Logged calls are a source of their own: exports leave them out unless asked (`source=api`).
    const byDefault = await call(server, 'GET', '/api/v1/export?format=raw');
    expect(byDefault.status, byDefault.text).toBe(200);
    expect(byDefault.text).toBe('');
    const raw = await call(server, 'GET', '/api/v1/export?format=raw&site=api&source=api');
    expect(raw.status, raw.text).toBe(200);
    const lines = raw.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Annotation);
    const byTrace = (trace: string) => lines.filter((line) => line.metadata.trace_id === trace);
    expect(byTrace(TRACE)).toMatchObject([{ annotator: 'api', thumb: 'up', score: 55, comment: 'helpful' }]);
    expect(
      byTrace('chat-7:msg-5')
        .map((line) => [line.annotator, line.thumb, line.score])
        .sort(),
    ).toEqual([
      ['api', null, null],
      ['end-user', 'down', 25],
    ]);

    const sft = await call(server, 'GET', '/api/v1/export?format=trl-sft&site=api&source=api');
    const examples = sft.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { messages: Array<{ role: string; content: string }> });
    expect(examples).toHaveLength(1);
    expect(examples[0]?.messages.at(-1)).toEqual({
      role: 'assistant',
      content: 'Day 1: Alfama and the castle. Day 2: Belém.',
    });
  });

  it('is behind the token like every data route', async () => {
    const response = await server.send({
      method: 'POST',
      path: '/api/v1/logs',
      token: null,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(logRequest()),
    });
    expect(response.status).toBe(401);
    expect(await server.countRows('annotations')).toBe(0);
  });
});

describe('value → rating', () => {
  it('puts −10…10 on the 0…100 score and takes the thumb from the sign', () => {
    expect(valueToRating(-10)).toEqual({ score: 0, thumb: 'down' });
    expect(valueToRating(-1)).toEqual({ score: 45, thumb: 'down' });
    expect(valueToRating(0)).toEqual({ score: 50, thumb: null });
    expect(valueToRating(1)).toEqual({ score: 55, thumb: 'up' });
    expect(valueToRating(10)).toEqual({ score: 100, thumb: 'up' });
  });
});
