import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../../shared/index.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { addUser } from './support/route-samples.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * Requests the role-aware fuzz (http-fuzz.test.ts, seed 18) found answered 500, kept as they were found.
 * None may be a 5xx, on either store.
 */
describe.each(STORE_KINDS)('requests the fuzz found answered 500 (%s)', (kind) => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ store: kind });
    admin = (await addUser(server, 'admin', 'fuzz-regression-admin')).token;
  }, 120_000);
  afterAll(() => server?.close());

  /** Never a 5xx; a refusal in the error shape (SQLite can look up such an id and find nothing: a 200 or 404). */
  function expectNoServerError(response: { status: number; text: string; json(): unknown }) {
    expect(response.status, response.text).toBeLessThan(500);
    if (response.status >= 400) expect(apiErrorSchema.safeParse(response.json()).success).toBe(true);
  }

  it('a conversation rating whose key has no site id is a 400 naming the key (it was a ZodError, 500)', async () => {
    const response = await server.send({
      method: 'POST',
      path: '/api/v1/conversation-ratings',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: ',m3pnu)M:tL5k"MazN', rating: 'unclear', note: 'XFxIdKY', tags: ['iKe{jL)Z%'] }),
      token: admin,
    });
    expect(response.status, response.text).toBe(400);
    const error = apiErrorSchema.parse(response.json()).error;
    expect(error.issues?.map((issue) => issue.path)).toEqual(['key']);
    expect(error.issues?.[0]?.message).toContain('site id');
    expect(await server.countRows('conversation_ratings')).toBe(0);
  });

  it('a NUL in a path parameter or a query is never a 5xx (PostgreSQL refused it: 500)', async () => {
    expectNoServerError(await server.send({ path: '/api/v1/history/runs/a%00b' }));
    expectNoServerError(await server.send({ path: '/api/v1/conversation-ratings?key=chatgpt:a%00b' }));
    expectNoServerError(await server.send({ path: '/api/v1/annotations/a%00b' }));
    expect(server.logs.filter((line) => / failed/.test(line))).toEqual([]);
  });
});
