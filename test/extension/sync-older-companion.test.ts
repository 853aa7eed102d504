import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CompanionError, createCompanionClient, type FetchLike } from '../../extension/src/sync/companion-client.ts';
import { syncPullQuerySchema, toApiIssues } from '../../shared/index.ts';
import { startTestServer, type TestServer } from '../companion/support/test-server.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { makeConversationRating } from '../support/conversation-rating-factory.ts';

/**
 * A companion from before conversation ratings: the same routes, but its strict schemas do not know the
 * `conversationRatings` key, so it answers 400 `invalid_request` naming it, exactly as zod words it.
 * The rest is the real companion.
 */
const OLD_PULL_QUERY = syncPullQuerySchema.omit({ conversationRatings: true });
const OLD_PUSH = z.strictObject({
  deviceId: z.string(),
  annotations: z.array(z.unknown()).default([]),
  comparisons: z.array(z.unknown()).default([]),
});

function olderCompanion(): { fetch: FetchLike; refused: string[] } {
  const refused: string[] = [];
  const answer = (what: string, error: z.ZodError) => {
    refused.push(what);
    const body = {
      error: { code: 'invalid_request', message: `The ${what} is invalid; see issues.`, issues: toApiIssues(error) },
    };
    return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json' } });
  };
  const fetchOld: FetchLike = async (input, init) => {
    const url = new URL(input);
    if (url.pathname === '/api/v1/sync/pull') {
      const checked = OLD_PULL_QUERY.safeParse(Object.fromEntries(url.searchParams));
      if (!checked.success) return answer('query', checked.error);
    }
    if (url.pathname === '/api/v1/sync/push') {
      const checked = OLD_PUSH.safeParse(JSON.parse(String(init.body)));
      if (!checked.success) return answer('body', checked.error);
    }
    return fetch(input, init);
  };
  return { fetch: fetchOld, refused };
}

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

describe('a newer extension and a companion from before conversation ratings', () => {
  it('pulls without the ratings after one refusal, and then asks plainly', async () => {
    const old = olderCompanion();
    const client = createCompanionClient({ url: `http://127.0.0.1:${server.port}`, token: server.token }, old.fetch);
    const annotation = makeAnnotation();
    await client.push({ deviceId: 'old-companion', annotations: [annotation], comparisons: [] });

    const page = await client.pull(0, 100);
    expect(page.annotations.map((pulled) => pulled.id)).toEqual([annotation.id]);
    expect(page.conversationRatings).toBeUndefined();
    expect(old.refused).toEqual(['query']);
    await client.pull(page.checkpoint, 100);
    expect(old.refused).toEqual(['query']);
  });

  it('says to update the companion when a push carries conversation ratings', async () => {
    const old = olderCompanion();
    const client = createCompanionClient({ url: `http://127.0.0.1:${server.port}`, token: server.token }, old.fetch);
    const push = client.push({
      deviceId: 'old-companion',
      annotations: [],
      comparisons: [],
      conversationRatings: [makeConversationRating()],
    });
    await expect(push).rejects.toBeInstanceOf(CompanionError);
    await expect(push).rejects.toMatchObject({ kind: 'incompatible', message: /update the companion/ });
  });

  it('keeps other refusals as they are', async () => {
    const client = createCompanionClient({ url: `http://127.0.0.1:${server.port}`, token: 'wrong-token' });
    await expect(client.pull(0, 100)).rejects.toMatchObject({ kind: expect.not.stringMatching(/^incompatible$/) });
  });
});
