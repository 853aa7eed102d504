import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../companion/src/server.ts';
import { silentLogger } from '../../companion/src/support/logger.ts';
import { readToken } from '../../companion/src/support/token.ts';
import type { Review, ReviewCounts } from '../../shared/index.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { createDatabase, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { reviewRequest } from './reviews-helpers.ts';
import { rawRequest } from './support/raw-http.ts';

/** A JSON request to a companion process with its token (and the dashboard's Origin when asked). */
async function call(
  companion: { url: string; token: string },
  method: string,
  path: string,
  body?: unknown,
  origin?: string,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${companion.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${companion.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(origin ? { origin } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/**
 * Several companion processes in front of one PostgreSQL database: what one of them does is seen by
 * the others at once, because it lives in the database (reviews and their NOTIFY, sign-in codes,
 * rate-limit buckets), not in one process's memory.
 */
describe('two companion processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let dataDir: { path: string; remove: () => Promise<void> };
  let a: CompanionProcess;
  let b: CompanionProcess;

  beforeAll(async () => {
    database = await createDatabase('postgres', 'two_processes');
    // One data directory: both processes accept the same pairing token.
    dataDir = await makeTempDir('two-processes');
    a = await startCompanion({ dataDir: dataDir.path, database: database.option });
    b = await startCompanion({ dataDir: dataDir.path, database: database.option });
  }, 120_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.remove();
    await dataDir?.remove();
  });

  it('a long poll on one process is woken by a decision made through the other', { timeout: 60_000 }, async () => {
    const created = await call(a, 'POST', '/api/v1/reviews', reviewRequest({ form: null, timeout: 600 }));
    expect(created.status).toBe(201);
    const { review } = created.json as { review: Review };
    const started = Date.now();
    const waiting = call(a, 'GET', `/api/v1/reviews/${review.id}?wait=30`);
    for (;;) {
      const counts = (await call(a, 'GET', '/api/v1/reviews/counts')).json as ReviewCounts;
      if (counts.waiters === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // B sees the review A created, and decides it.
    expect(((await call(b, 'GET', `/api/v1/reviews/${review.id}`)).json as Review).status).toBe('pending');
    const decided = await call(b, 'POST', `/api/v1/reviews/${review.id}/decision`, {
      decision: 'approve',
      reviewer: 'grace',
    });
    expect(decided.status).toBe(200);
    const woken = await waiting;
    expect(woken.status).toBe(200);
    expect(woken.json).toMatchObject({ id: review.id, status: 'approved', reviewer: 'grace' });
    // Woken by the notification, long before the wait's 30 s ran out.
    expect(Date.now() - started).toBeLessThan(20_000);
    // The decision's annotation is one change, seen by both.
    const pulledA = (await call(a, 'GET', '/api/v1/sync/pull?since=0')).json as { annotations: { id: string }[] };
    const pulledB = (await call(b, 'GET', '/api/v1/sync/pull?since=0')).json as { annotations: { id: string }[] };
    expect(pulledA.annotations.map((annotation) => annotation.id)).toEqual([review.id]);
    expect(pulledB).toEqual(pulledA);
  });

  it('a sign-in code issued by one process is redeemed through the other, once', { timeout: 30_000 }, async () => {
    const issued = await call(a, 'POST', '/api/v1/sign-in/codes', {});
    expect(issued.status).toBe(200);
    const { code } = issued.json as { code: string };
    const origin = b.url;
    const redeemed = await call(b, 'POST', '/api/v1/sign-in', { code }, origin);
    expect(redeemed).toEqual({ status: 200, json: { token: b.token } });
    const again = await call(a, 'POST', '/api/v1/sign-in', { code }, a.url);
    expect(again.status).toBe(401);
  });
});

describe('two companions on one PostgreSQL database share one rate limit', () => {
  it('a token that spent its burst on one is refused by the other', { timeout: 60_000 }, async () => {
    const database = await createDatabase('postgres', 'shared_rate_limit');
    const dir = await makeTempDir('shared-rate-limit');
    const servers: RunningServer[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        servers.push(
          await startServer({
            host: '127.0.0.1',
            port: 0,
            dataDir: dir.path,
            database: database.target,
            logger: silentLogger,
            // Nearly no refill: whatever one spends, the other cannot have.
            app: { rateLimit: { burst: 6, perSecond: 0.01 } },
          }),
        );
      }
      const token = readToken(dir.path) as string;
      const stats = (server: RunningServer) =>
        rawRequest(server.port, {
          path: '/api/v1/stats',
          headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${token}` },
        });
      const [one, two] = servers as [RunningServer, RunningServer];
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await stats(one)).status);
      for (let i = 0; i < 2; i++) statuses.push((await stats(two)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      const refused = await stats(two);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await stats(one)).status).toBe(429);
    } finally {
      for (const server of servers) await server.close();
      await database.remove();
      await dir.remove();
    }
  });
});
