import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../companion/src/storage/sqlite/sqlite-store.ts';
import { API, API_ROUTES, apiErrorSchema, type RouteContract, tokenResponseSchema } from '../../shared/index.ts';
import type { RawResponse } from './support/raw-http.ts';
import { type FuzzRequest, requestArbitrary } from './support/request-arbitrary.ts';
import { prepareFixtures, ROUTE_SAMPLES, type RouteFixtures, type RouteId } from './support/route-samples.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * Property-based fuzzing of the HTTP boundary: generated requests to every route of the table
 * (near-valid bodies, odd queries, broken path parameters, every content type, with and without the
 * token) never get a 5xx, always get the one error shape on a 4xx, never hang, and leave the server up.
 * `npm run hardening:fuzz` runs more (MARGIN_FUZZ_RUNS, default here 1,500 requests in all).
 */
const TOTAL_RUNS = Number(process.env.MARGIN_FUZZ_RUNS ?? 1500);
const SEED = Number(process.env.MARGIN_FUZZ_SEED ?? 18);
/** A request that takes longer than this is a hang (no request here long-polls: `wait` is pinned). */
const HANG_MS = 10_000;
/** Internals an answer must never show: stack frames, file paths, SQL, library names. */
const LEAK = /\bat .+:\d+:\d+|node_modules|\/tmp\/|SQLITE|sqlite|SELECT |INSERT |URIError|TypeError|ZodError/;

/** Query values pinned for a route: the review long poll must not wait (that is its job, not a hang). */
const PINNED_QUERY: Partial<Record<RouteId, Record<string, fc.Arbitrary<string>>>> = {
  'reviews.get': { wait: fc.constantFrom('0', '0.000', '-1', 'x', '99999', '1.5e3', '', ' 0', '%') },
};

let server: TestServer;
let fixtures: RouteFixtures;
const statuses = new Map<number, number>();

beforeAll(async () => {
  // The rate limit is for runaway clients; here it would only turn the fuzz into a test of 429s.
  server = await startTestServer({ app: { rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } } });
  fixtures = await prepareFixtures(server);
});
afterAll(async () => {
  const figures = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
  console.info(`http fuzz: ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests (${figures.join(', ')})`);
  await server.close();
});

async function send(request: FuzzRequest): Promise<RawResponse> {
  const token = request.token === 'valid' ? undefined : request.token === 'none' ? null : 'not-the-token-0123456789';
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    const { token: _kind, ...raw } = request;
    return await Promise.race([server.send({ ...raw, token }), hang]);
  } finally {
    clearTimeout(timer);
  }
}

function check(route: RouteContract, request: FuzzRequest, response: RawResponse): void {
  const what = `${request.method} ${request.path} (${request.token} token) ${request.body?.slice(0, 200) ?? ''}`;
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  // The one 5xx by design: the dashboard's page before `npm run build:dashboard`, which says so.
  const unbuilt = route === API.dashboard.files && response.status === 503 && /not built/.test(response.text);
  if (unbuilt) return;
  expect(response.status, `${what} → ${response.text.slice(0, 300)}`).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.headers['content-type'], what).toMatch(/^application\/json/);
    const parsed = apiErrorSchema.safeParse(JSON.parse(response.text));
    expect(parsed.success, `${what} → ${response.text.slice(0, 300)}`).toBe(true);
    expect(response.text, what).not.toMatch(LEAK);
    expect(response.text, what).not.toContain(server.dataDir);
  }
  if (route === API.dashboard.rotateToken && response.status === 200) {
    // The fuzz rotated the pairing token: go on with the new one.
    server.token = tokenResponseSchema.parse(response.json()).token;
  }
}

describe('every route of the table, fuzzed', () => {
  const perRoute = Math.max(1, Math.ceil(TOTAL_RUNS / API_ROUTES.length));

  for (const route of API_ROUTES) {
    it(`${route.id}: ${perRoute} generated requests, no 5xx, the error shape on every 4xx`, {
      timeout: 30_000 + perRoute * 100,
    }, async () => {
      const sample = await ROUTE_SAMPLES[route.id as RouteId](fixtures);
      await fc.assert(
        fc.asyncProperty(requestArbitrary(route, sample, PINNED_QUERY[route.id as RouteId]), async (request) => {
          check(route, request, await send(request));
        }),
        { seed: SEED, numRuns: perRoute, endOnFailure: true },
      );
    });
  }

  it('the server is still up, logged no failure, and its database is intact', async () => {
    const health = await server.send({ path: '/api/v1/health' });
    expect(health.status).toBe(200);
    expect(server.logs.filter((line) => / failed/.test(line))).toEqual([]);
    const store = openSqliteStore(`${server.dataDir}/margin.sqlite`);
    try {
      expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      store.close();
    }
  });
});
