import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readToken } from '../../companion/src/support/token.ts';
import {
  API,
  API_ROUTES,
  annotationSchema,
  apiErrorSchema,
  comparisonSchema,
  conversationRatingSchema,
  ignoredBodySchema,
  ROLES,
  type RouteContract,
  routeAllows,
  tokenResponseSchema,
  type UserRole,
} from '../../shared/index.ts';
import { STORE_KINDS, type TestStoreKind } from '../support/stores.ts';
import type { RawResponse } from './support/raw-http.ts';
import { type FuzzRequest, type FuzzToken, requestArbitrary } from './support/request-arbitrary.ts';
import { addUser, prepareFixtures, ROUTE_SAMPLES, type RouteFixtures, type RouteId } from './support/route-samples.ts';
import { inputJsonSchema, type JsonSchema, schemaArbitrary } from './support/schema-arbitrary.ts';
import { storeDigest } from './support/store-digest.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * Property-based fuzzing of the HTTP boundary, role-aware: generated requests to every route of the
 * table (bodies from the route's own sample and from its zod body schema, as they are or one or two
 * leaves off; odd queries, broken path parameters, every content type), each with the pairing token,
 * a token of an admin, an annotator or a viewer, no token or an unknown one. Never a 5xx, always the
 * one error shape on a 4xx, no internals in an answer, never a hang; a role the route table refuses
 * never gets a 2xx; and a refused or failed request never changes the store (checked with a digest of
 * every table before and after: every refused-role request in its own test, and one request in
 * CHECK_WRITES_EVERY of the rest). Counts: MARGIN_FUZZ_RUNS requests on SQLite (default 10,000), a
 * fifth of that on PostgreSQL (MARGIN_FUZZ_PG_RUNS).
 */
const TOTAL_RUNS = Number(process.env.MARGIN_FUZZ_RUNS ?? 10_000);
const RUNS: Record<TestStoreKind, number> = {
  sqlite: TOTAL_RUNS,
  postgres: Number(process.env.MARGIN_FUZZ_PG_RUNS ?? Math.round(TOTAL_RUNS / 5)),
};
const SEED = Number(process.env.MARGIN_FUZZ_SEED ?? 18);
/** A request that takes longer than this is a hang (no request here long-polls: `wait` is pinned). */
const HANG_MS = 20_000;
/** Of the requests that may write, one in this many is checked with a store digest when it fails. */
const CHECK_WRITES_EVERY = 20;
/** Generated requests per refused (route, role) pair, each with a digest before and after (PostgreSQL's cost more). */
const REFUSED_PER_PAIR: Record<TestStoreKind, number> = {
  sqlite: Number(process.env.MARGIN_FUZZ_REFUSED_PER_PAIR ?? 6),
  postgres: Number(process.env.MARGIN_FUZZ_REFUSED_PER_PAIR ?? 2),
};
/** Internals an answer must never show: stack frames, file paths, SQL, library names. */
const LEAK =
  /\bat .+:\d+:\d+|node_modules|\/tmp\/|SQLITE|sqlite|SELECT |INSERT |URIError|TypeError|ZodError|postgres:\/\//;

/** Query values pinned for a route: the review long poll must not wait (that is its job, not a hang). */
const PINNED_QUERY: Partial<Record<RouteId, Record<string, fc.Arbitrary<string>>>> = {
  'reviews.get': { wait: fc.constantFrom('0', '0.000', '-1', 'x', '99999', '1.5e3', '', ' 0', '%') },
};

/** Arrays the push schema leaves open (each record is checked on its own): generated from the record schemas. */
const PUSH_ITEMS: Record<string, JsonSchema> = {
  annotations: inputJsonSchema(annotationSchema),
  comparisons: inputJsonSchema(comparisonSchema),
  conversationRatings: inputJsonSchema(conversationRatingSchema),
};

/** Values generated from the route's body schema; none for a route that reads no body. */
function schemaBodies(route: RouteContract): fc.Arbitrary<unknown> | undefined {
  if (route.body === undefined || route.body === ignoredBodySchema) return undefined;
  const schema = inputJsonSchema(route.body);
  if (route === API.sync.push) {
    const properties = schema.properties as Record<string, JsonSchema>;
    for (const [key, items] of Object.entries(PUSH_ITEMS)) {
      properties[key] = { ...properties[key], type: 'array', items, maxItems: 3 };
    }
  }
  return schemaArbitrary(schema);
}

const figures = { requests: 0, refusedRoles: 0, forbidden: 0, digestChecks: 0 };
const statuses = new Map<number, number>();

describe.each(STORE_KINDS)('every route of the table, fuzzed with every role (%s)', (kind) => {
  let server: TestServer;
  let fixtures: RouteFixtures;
  const tokens = {} as Record<UserRole, string>;

  beforeAll(async () => {
    // The rate limit is for runaway clients; here it would only turn the fuzz into a test of 429s.
    server = await startTestServer({ store: kind, app: { rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } } });
    fixtures = await prepareFixtures(server);
    for (const role of ROLES) tokens[role] = (await addUser(server, role, `fuzz-${role}-caller`)).token;
  }, 180_000);
  afterAll(async () => {
    await server?.close();
  });

  function tokenOf(token: FuzzToken): string | null {
    if (token === 'owner') return server.token;
    if (token === 'none') return null;
    if (token === 'wrong') return 'not-the-token-0123456789';
    return tokens[token];
  }

  async function send(request: FuzzRequest): Promise<RawResponse> {
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${HANG_MS} ms`)), HANG_MS);
    });
    try {
      const { token, ...raw } = request;
      const response = await Promise.race([server.send({ ...raw, token: tokenOf(token) }), hang]);
      figures.requests += 1;
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      // An admin may rotate the pairing token: the owner's next requests use the new one.
      server.token = readToken(server.dataDir) as string;
      return response;
    } finally {
      clearTimeout(timer);
    }
  }

  const refusedRole = (route: RouteContract, token: FuzzToken) =>
    (ROLES as readonly string[]).includes(token) && !routeAllows(route, token as UserRole);

  function check(route: RouteContract, request: FuzzRequest, response: RawResponse): void {
    const what = `${request.method} ${request.path} (${request.token} token) ${request.body?.slice(0, 200) ?? ''}`;
    // The one 5xx by design: the dashboard's page before `npm run build:dashboard`, which says so.
    const unbuilt = route === API.dashboard.files && response.status === 503 && /not built/.test(response.text);
    if (unbuilt) return;
    expect(response.status, `${what} → ${response.text.slice(0, 300)}`).toBeLessThan(500);
    if (refusedRole(route, request.token)) {
      figures.refusedRoles += 1;
      expect(response.status, `${what}: the route table refuses a ${request.token}`).toBeGreaterThanOrEqual(400);
      if (response.status === 403) figures.forbidden += 1;
    }
    if (response.status >= 400) {
      expect(response.headers['content-type'], what).toMatch(/^application\/json/);
      const parsed = apiErrorSchema.safeParse(JSON.parse(response.text));
      expect(parsed.success, `${what} → ${response.text.slice(0, 300)}`).toBe(true);
      expect(response.text, what).not.toMatch(LEAK);
      expect(response.text, what).not.toContain(server.dataDir);
    }
    if (route === API.dashboard.rotateToken && response.status === 200) {
      expect(tokenResponseSchema.safeParse(response.json()).success, what).toBe(true);
    }
  }

  const guarded = API_ROUTES.filter((route) => route.access.kind === 'roles');
  const refusedPairs = guarded.flatMap((route) =>
    ROLES.filter((role) => !routeAllows(route, role)).map((role) => ({ route, role })),
  );

  const perPair = REFUSED_PER_PAIR[kind];
  it(`a role the route table refuses is answered 4xx and changes nothing (${refusedPairs.length} route × role pairs, ${perPair} requests each)`, {
    timeout: 60_000 + refusedPairs.length * perPair * 2_000,
  }, async () => {
    let forbidden = 0;
    for (const { route, role } of refusedPairs) {
      const sample = await ROUTE_SAMPLES[route.id as RouteId](fixtures);
      const requests = requestArbitrary(route, sample, PINNED_QUERY[route.id as RouteId], schemaBodies(route)).map(
        (request): FuzzRequest => ({ ...request, token: role }),
      );
      await fc.assert(
        fc.asyncProperty(requests, async (request) => {
          const before = await storeDigest(server.database, server.dataDir);
          const response = await send(request);
          check(route, request, response);
          figures.digestChecks += 1;
          expect(await storeDigest(server.database, server.dataDir), `${route.id} as a ${role} wrote`).toBe(before);
          if (response.status === 403) {
            expect(apiErrorSchema.parse(response.json()).error.code).toBe('forbidden_role');
            forbidden += 1;
          }
        }),
        { seed: SEED, numRuns: perPair, endOnFailure: true },
      );
    }
    // Most of them reach the role check (the rest are refused earlier: a path no route owns, a body that is not JSON).
    expect(forbidden).toBeGreaterThan(refusedPairs.length * perPair * 0.3);
  });

  const perRoute = Math.max(1, Math.ceil(RUNS[kind] / API_ROUTES.length));
  for (const route of API_ROUTES) {
    it(`${route.id}: ${perRoute} generated requests with every role, no 5xx, the error shape on every 4xx`, {
      timeout: 60_000 + perRoute * 500,
    }, async () => {
      const sample = await ROUTE_SAMPLES[route.id as RouteId](fixtures);
      const arbitrary = requestArbitrary(route, sample, PINNED_QUERY[route.id as RouteId], schemaBodies(route));
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(arbitrary, async (request) => {
          sent += 1;
          const watched = route.method !== 'GET' && sent % CHECK_WRITES_EVERY === 0;
          const before = watched ? await storeDigest(server.database, server.dataDir) : undefined;
          const response = await send(request);
          check(route, request, response);
          if (before !== undefined && response.status >= 400) {
            figures.digestChecks += 1;
            const after = await storeDigest(server.database, server.dataDir);
            expect(after, `${request.method} ${request.path} answered ${response.status} but wrote`).toBe(before);
          }
        }),
        { seed: SEED, numRuns: perRoute, endOnFailure: true },
      );
    });
  }

  it('the server is still up, logged no failure, and its database is intact', async () => {
    const health = await server.send({ path: '/api/v1/health' });
    expect(health.status).toBe(200);
    // A history import started with a generated body may fail on its file (the wrong source named):
    // that is the person's error, kept in the run's status; any other failure is the server's.
    const failures = server.logs.filter((line) => / failed/.test(line) && !/^history import \S+ failed: /.test(line));
    expect(failures).toEqual([]);
    const stores = await server.database.open();
    try {
      expect(await stores.integrityCheck()).toBe('ok');
    } finally {
      await stores.close();
    }
  });
});

afterAll(() => {
  const counts = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
  console.info(`http fuzz: ${figures.requests} requests (${counts.join(', ')})`);
  console.info(
    `refused roles: ${figures.refusedRoles} requests, ${figures.forbidden} answered 403; ${figures.digestChecks} store digests compared`,
  );
});
