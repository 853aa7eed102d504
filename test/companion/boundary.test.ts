import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API,
  API_ROUTES,
  apiErrorSchema,
  ignoredBodySchema,
  isJsonRoute,
  isPublicRoute,
  PROTOCOL,
  PROTOCOL_HEADER,
  parseRouteResult,
  type RouteContract,
  tokenResponseSchema,
} from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { type RawResponse, rawRequest } from './support/raw-http.ts';
import { prepareFixtures, type RouteFixtures, sampleRequest } from './support/route-samples.ts';
import { pushBody, startTestServer, type TestServer } from './support/test-server.ts';

const CHROME_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const FIREFOX_ORIGIN = 'moz-extension://0f8fad5b-d9cb-469f-a165-70867728950e';

interface MatrixRoute {
  name: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** The table's contract; none for the requests no route answers. */
  contract?: RouteContract;
  public?: boolean;
  /** Statuses with a right Host, Origin and token. */
  expect: number[];
}

/** Requests that match no route of the table: they must behave like the rest (and then be a 404). */
const UNROUTED: MatrixRoute[] = [
  { name: 'unknown route', method: 'GET', path: '/api/v1/nope', expect: [404] },
  // Not a dashboard file: falls through to the token check (the dashboard's files: dashboard-api.test.ts).
  { name: 'non-API path', method: 'GET', path: '/no-such-file.js', expect: [404] },
  { name: 'unknown POST', method: 'POST', path: '/api/v1/sync/other', body: '{}', expect: [404] },
  { name: 'DELETE', method: 'DELETE', path: '/api/v1/sync/push', expect: [404] },
];

/**
 * Every route of the table (shared/api), each with a request that would succeed given a right Host,
 * Origin and token (test/companion/support/route-samples.ts), then the unrouted requests. A route
 * added to the table is in every matrix below without a change here.
 */
async function routes(fixtures: RouteFixtures): Promise<MatrixRoute[]> {
  const table = await Promise.all(
    API_ROUTES.map(async (contract) => {
      const { expect: statuses, ...request } = await sampleRequest(contract, fixtures);
      return {
        name: contract.id,
        ...request,
        contract,
        public: isPublicRoute(contract),
        expect: statuses,
      } satisfies MatrixRoute;
    }),
  );
  return [...table, ...UNROUTED];
}

function expectError(response: RawResponse, status: number, code: string) {
  expect(response.status, response.text).toBe(status);
  const body = apiErrorSchema.parse(response.json());
  expect(body.error.code).toBe(code);
}

/**
 * `file`: a route that answers a file (its content type is its own), not JSON. `data`: a successful
 * answer, which may hold what the route is for (the settings page shows the data directory).
 */
function expectInert(response: RawResponse, file = false, data = false) {
  if (!file) expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
  expect(response.headers['x-powered-by']).toBeUndefined();
  expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  expect(response.headers['access-control-allow-origin']).not.toBe('*');
  // Nothing internal leaks: stack frames, file paths, SQL.
  if (!data)
    expect(response.text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\/work\/|\/tmp\/|SQLITE|sqlite|SELECT|INSERT/);
}

describe.each(STORE_KINDS)('companion boundary (%s)', (kind) => {
  let server: TestServer;
  let fixtures: RouteFixtures;

  beforeAll(async () => {
    server = await startTestServer({ store: kind });
    fixtures = await prepareFixtures(server);
  });
  afterAll(() => server.close());

  describe('Host (DNS rebinding) is checked first', () => {
    const badHosts = (port: number) => [
      '',
      `:${port}`,
      `evil.test:${port}`,
      `127.0.0.1.evil.test:${port}`,
      `localhost.evil.test:${port}`,
      `localhost6:${port}`,
      `LOCALHOST:${port}`,
      `localhost.:${port}`,
      `0.0.0.0:${port}`,
      `127.1:${port}`,
      `[::ffff:127.0.0.1]:${port}`,
      `127.0.0.1:${port + 1}`,
      `127.0.0.1:${port}0`,
      '127.0.0.1',
      'localhost',
      `127.0.0.1:${port}@evil.test`,
    ];

    it('refuses every route, method and token state with a bad or missing Host, before reading the token or body', async () => {
      const before = await server.countRows('annotations');
      for (const route of await routes(fixtures)) {
        for (const host of [...badHosts(server.port), undefined]) {
          for (const token of [server.token, null]) {
            const headers: Record<string, string> = { 'content-type': 'application/json', ...route.headers };
            if (host !== undefined) headers.host = host;
            const response = await rawRequest(server.port, {
              method: route.method,
              path: route.path,
              headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers,
              ...(route.body ? { body: route.body } : {}),
            });
            expectError(response, 403, 'forbidden_host');
            expectInert(response);
          }
        }
      }
      // A preflight with a bad Host is refused too.
      const preflight = await rawRequest(server.port, {
        method: 'OPTIONS',
        path: '/api/v1/sync/push',
        headers: { host: `evil.test:${server.port}`, origin: CHROME_ORIGIN, 'access-control-request-method': 'POST' },
      });
      expectError(preflight, 403, 'forbidden_host');
      expect(await server.countRows('annotations')).toBe(before);
    });

    it('accepts the three loopback names with the right port', async () => {
      for (const name of ['127.0.0.1', 'localhost', '[::1]']) {
        const response = await server.send({ path: '/api/v1/stats', headers: { host: `${name}:${server.port}` } });
        expect(response.status, name).toBe(200);
        expectInert(response);
      }
    });
  });

  describe('Origin', () => {
    const badOrigins = (port: number) => [
      'null',
      'https://evil.test',
      `http://evil.test:${port}`,
      `http://127.0.0.1:${port + 1}`,
      `http://localhost:${port}`, // not the origin this request's Host names
      `https://127.0.0.1:${port}`,
      `http://127.0.0.1:${port}.evil.test`,
      'chrome-extension://abcdefghijklmnop',
      'chrome-extension://ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP',
      'chrome-extension://abcdefghijklmnopabcdefghijklmnoz',
      `${CHROME_ORIGIN}.evil.test`,
      `${CHROME_ORIGIN}/`,
      'moz-extension://not-a-uuid',
      `${FIREFOX_ORIGIN}x`,
      'moz-extension://*',
      'file://',
      '',
    ];

    it('refuses any other origin on every route, even with a valid token, and changes nothing', async () => {
      const before = await server.countRows('annotations');
      for (const route of await routes(fixtures)) {
        for (const origin of badOrigins(server.port)) {
          const response = await server.send({
            method: route.method,
            path: route.path,
            headers: { 'content-type': 'application/json', ...route.headers, origin },
            ...(route.body ? { body: route.body } : {}),
          });
          expectError(response, 403, 'forbidden_origin');
          expectInert(response);
          expect(response.headers['access-control-allow-origin']).toBeUndefined();
        }
      }
      expect(await server.countRows('annotations')).toBe(before);
    });

    it('allows extension origins with CORS for exactly that origin, and the companion’s own origin without CORS', async () => {
      for (const origin of [CHROME_ORIGIN, FIREFOX_ORIGIN]) {
        const response = await server.send({ path: '/api/v1/stats', headers: { origin } });
        expect(response.status).toBe(200);
        expect(response.headers['access-control-allow-origin']).toBe(origin);
        expect(response.headers.vary).toMatch(/Origin/);
        expectInert(response);
      }
      const own = await server.send({ path: '/api/v1/stats', headers: { origin: `http://${server.host}` } });
      expect(own.status).toBe(200);
      expect(own.headers['access-control-allow-origin']).toBeUndefined();
      const none = await server.send({ path: '/api/v1/stats' });
      expect(none.status).toBe(200);
    });

    it('answers preflights from extensions (no token needed) and refuses other origins', async () => {
      const preflight = (origin: string) =>
        server.send({
          method: 'OPTIONS',
          path: '/api/v1/sync/push',
          token: null,
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization, content-type, x-margin-protocol',
          },
        });
      const ok = await preflight(FIREFOX_ORIGIN);
      expect(ok.status).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe(FIREFOX_ORIGIN);
      expect(ok.headers['access-control-allow-headers']).toBe(`Authorization, Content-Type, ${PROTOCOL_HEADER}`);
      expect(ok.headers['access-control-allow-methods']).toContain('POST');
      expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
      expectError(await preflight('https://evil.test'), 403, 'forbidden_origin');
    });
  });

  describe('protocol (X-Margin-Protocol, sent by the extension)', () => {
    const header = PROTOCOL_HEADER.toLowerCase();

    it('refuses a protocol newer than it serves on every route, before the token, saying to update the companion', async () => {
      const before = server.countRows('annotations');
      for (const route of await routes(fixtures)) {
        for (const token of [server.token, null]) {
          const response = await server.send({
            method: route.method,
            path: route.path,
            token,
            headers: { 'content-type': 'application/json', ...route.headers, [header]: String(PROTOCOL.current + 1) },
            ...(route.body ? { body: route.body } : {}),
          });
          expectError(response, 400, 'unsupported_protocol');
          expect(apiErrorSchema.parse(response.json()).error.message, route.name).toMatch(
            new RegExp(`protocol ${PROTOCOL.current + 1}, newer than the companion .*Update the companion`),
          );
          expectInert(response);
        }
      }
      expect(server.countRows('annotations')).toBe(before);
    });

    it('refuses a header that is not a protocol number, naming what it serves', async () => {
      for (const value of ['', 'abc', '1.5', '-1', '0', '01', '1e3', `${PROTOCOL.current},${PROTOCOL.current}`]) {
        const response = await server.send({ path: '/api/v1/stats', headers: { [header]: value } });
        expectError(response, 400, 'unsupported_protocol');
        expect(apiErrorSchema.parse(response.json()).error.message, value).toContain(
          `${PROTOCOL_HEADER} must be a whole number (this companion serves ${PROTOCOL.oldest} to ${PROTOCOL.current})`,
        );
      }
    });

    it('with the current protocol, every route answers as its contract says', async () => {
      // Fixtures of its own: deciding a review or signing in spends what it acts on.
      const all = await routes(await prepareFixtures(server));
      const ordered = [
        ...all.filter((route) => route.contract !== API.dashboard.rotateToken),
        ...all.filter((route) => route.contract === API.dashboard.rotateToken),
      ];
      for (const route of ordered) {
        const response = await server.send({
          method: route.method,
          path: route.path,
          headers: { 'content-type': 'application/json', ...route.headers, [header]: String(PROTOCOL.current) },
          ...(route.body ? { body: route.body } : {}),
        });
        expect(route.expect, `${route.name}: ${response.status} ${response.text.slice(0, 300)}`).toContain(
          response.status,
        );
        if (route.contract === API.dashboard.rotateToken)
          server.token = tokenResponseSchema.parse(response.json()).token;
      }
    });

    it('health reports the protocols it serves', async () => {
      const response = await server.send({ path: '/api/v1/health', token: null });
      expect(response.json()).toMatchObject({
        ok: true,
        protocol: { current: PROTOCOL.current, oldest: PROTOCOL.oldest },
      });
    });
  });

  describe('token', () => {
    it('is required on every route but the public ones, which return no data', async () => {
      const wrong = [
        null,
        'x'.repeat(43),
        server.token.slice(0, -1),
        `${server.token}x`,
        server.token.toUpperCase(),
        '',
      ];
      const publicRoutes = API_ROUTES.filter(isPublicRoute);
      expect(publicRoutes.map((route) => route.id).sort()).toEqual([
        'dashboard.files',
        'dashboard.signIn',
        'sync.health',
      ]);
      for (const token of wrong) {
        // Fresh requests each time: the sign-in exchange spends its one-time code.
        for (const route of await routes(fixtures)) {
          const response = await server.send({
            method: route.method,
            path: route.path,
            token,
            headers: { 'content-type': 'application/json', ...route.headers },
            ...(route.body ? { body: route.body } : {}),
          });
          if (route.public && route.contract) {
            expect(route.expect, route.name).toContain(response.status);
            if (isJsonRoute(route.contract)) {
              // Health answers `{ ok, version, protocol }` and nothing else (its schema is strict); sign-in, the token for a valid code.
              expect(parseRouteResult(route.contract, response.json()).success, route.name).toBe(true);
            }
          } else {
            expectError(response, 401, 'unauthorized');
            expect(response.headers['www-authenticate']).toBe('Bearer');
          }
          expectInert(response, route.contract?.response.kind === 'file');
        }
      }
      for (const authorization of [
        `bearer ${server.token}`,
        `Basic ${server.token}`,
        `Bearer  ${server.token}`,
        server.token,
      ]) {
        const response = await server.send({ path: '/api/v1/stats', headers: { authorization } });
        expectError(response, 401, 'unauthorized');
      }
    });

    it('with the token, every route of the table answers as its contract says, and unknown routes are 404', async () => {
      const all = await routes(fixtures);
      // Last: it replaces the token the others present.
      const ordered = [
        ...all.filter((route) => route.contract !== API.dashboard.rotateToken),
        ...all.filter((route) => route.contract === API.dashboard.rotateToken),
      ];
      for (const route of ordered) {
        const response = await server.send({
          method: route.method,
          path: route.path,
          headers: { 'content-type': 'application/json', ...route.headers },
          ...(route.body ? { body: route.body } : {}),
        });
        expect(route.expect, `${route.name}: ${response.status} ${response.text.slice(0, 300)}`).toContain(
          response.status,
        );
        if (route.contract && isJsonRoute(route.contract)) {
          const parsed = parseRouteResult(route.contract, response.json());
          expect(parsed.error?.issues, route.name).toBeUndefined();
        }
        expectInert(response, route.contract?.response.kind === 'file', response.status < 300);
        if (route.contract === API.dashboard.rotateToken)
          server.token = tokenResponseSchema.parse(response.json()).token;
      }
    });

    it('never appears in logs or responses', async () => {
      await server.send({ path: '/api/v1/sync/pull' });
      await server.send({ path: '/api/v1/stats', token: 'wrong' });
      expect(server.logs.join('\n')).not.toContain(server.token);
      const pull = await server.send({ path: '/api/v1/sync/pull' });
      expect(pull.text).not.toContain(server.token);
    });
  });

  describe('bodies', () => {
    it('refuses anything but JSON with 415, before parsing', async () => {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/jsonp',
        'text/json',
      ]) {
        const response = await server.send({
          method: 'POST',
          path: '/api/v1/sync/push',
          headers: { 'content-type': type },
          body: JSON.stringify(pushBody([makeAnnotation()])),
        });
        expectError(response, 415, 'unsupported_media_type');
      }
      const noType = await server.send({
        method: 'POST',
        path: '/api/v1/sync/push',
        body: JSON.stringify(pushBody([makeAnnotation()])),
      });
      expectError(noType, 415, 'unsupported_media_type');
      const latin1 = await server.send({
        method: 'POST',
        path: '/api/v1/sync/push',
        headers: { 'content-type': 'application/json; charset=latin1' },
        body: JSON.stringify(pushBody([])),
      });
      expectError(latin1, 415, 'unsupported_charset');
    });

    it('answers malformed JSON and non-object roots with 400', async () => {
      for (const body of ['{', '{"deviceId":', 'nul', '{"a":1}}', "{'a':1}"]) {
        const response = await server.push(body);
        expectError(response, 400, 'invalid_json');
        expectInert(response);
      }
      for (const body of ['[]', '"text"', '42', 'null']) {
        const response = await server.push(body);
        expect(response.status).toBe(400);
        expectInert(response);
      }
      expectError(await server.push(''), 400, 'invalid_request');
    });

    it('names every invalid envelope field by path, and unknown keys are refused', async () => {
      const response = await server.push({ deviceId: 'bad id with spaces', annotations: 'nope', extra: 1 });
      expectError(response, 400, 'invalid_request');
      const paths = apiErrorSchema.parse(response.json()).error.issues?.map((issue) => issue.path);
      expect(paths).toEqual(expect.arrayContaining(['deviceId', 'annotations', '(root)']));
      const tooMany = await server.push(pushBody(Array.from({ length: 1001 }, () => ({}))));
      expectError(tooMany, 400, 'invalid_request');
      expect(tooMany.text).toContain('at most 1000 records');
    });

    it('rejects invalid records one by one with field paths, storing the valid ones', async () => {
      const good = makeAnnotation();
      const badScore = { ...makeAnnotation(), score: 101 };
      const extraKey = { ...makeAnnotation(), sneaky: true };
      const badRole = makeAnnotation({ context: [{ role: 'wizard' as 'user', content: 'x' }] });
      const response = await server.push(pushBody([good, badScore, extraKey, badRole, 'not an object']));
      expect(response.status).toBe(200);
      const { annotations } = response.json() as {
        annotations: Array<{ index: number; id: string | null; status: string; issues?: Array<{ path: string }> }>;
      };
      expect(annotations.map((result) => result.status)).toEqual([
        'accepted',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
      ]);
      expect(annotations[1]?.issues?.[0]?.path).toBe('score');
      expect(annotations[1]?.id).toBe(badScore.id);
      expect(annotations[2]?.issues?.[0]?.path).toBe('(root)');
      expect(JSON.stringify(annotations[2]?.issues)).toContain('sneaky');
      expect(annotations[3]?.issues?.[0]?.path).toBe('context.0.role');
      expect(annotations[4]?.id).toBeNull();
      const stored = (await server.send({ path: '/api/v1/sync/pull?limit=1000' })).json() as {
        annotations: Array<{ id: string }>;
      };
      const ids = stored.annotations.map((annotation) => annotation.id);
      expect(ids).toContain(good.id);
      expect(ids).not.toContain(badScore.id);
    });

    it('a __proto__ payload pollutes nothing and is refused', async () => {
      const annotation = makeAnnotation();
      const json = JSON.stringify(pushBody([annotation]));
      const topLevel = `{"__proto__":{"polluted":true},${json.slice(1)}`;
      expectError(await server.push(topLevel), 400, 'invalid_request');
      const inRecord = json.replace('"schemaVersion"', '"__proto__":{"polluted":true},"schemaVersion"');
      const recordResult = (await server.push(inRecord)).json() as { annotations: Array<{ status: string }> };
      expect(recordResult.annotations[0]?.status).toBe('rejected');
      const inMetadata = json.replace('"metadata":{}', '"metadata":{"__proto__":"x","constructor":"y"}');
      const metadataResult = (await server.push(inMetadata)).json() as {
        annotations: Array<{ status: string; issues: Array<{ path: string }> }>;
      };
      expect(metadataResult.annotations[0]?.status).toBe('rejected');
      expect(metadataResult.annotations[0]?.issues[0]?.path).toBe('metadata.__proto__');
      const constructorKey = json.replace(
        '"schemaVersion"',
        '"constructor":{"prototype":{"polluted":true}},"schemaVersion"',
      );
      expect(
        ((await server.push(constructorKey)).json() as { annotations: Array<{ status: string }> }).annotations[0]
          ?.status,
      ).toBe('rejected');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });

    it('answers a query with unknown or malformed parameters with 400 and the parameter name', async () => {
      for (const [query, path] of [
        ['since=-1', 'since'],
        ['since=abc', 'since'],
        ['limit=0', 'limit'],
        ['limit=100000', 'limit'],
        ['since=1&since=2', 'since'],
        ['cursor=1', '(root)'],
      ]) {
        const response = await server.send({ path: `/api/v1/sync/pull?${query}` });
        expectError(response, 400, 'invalid_request');
        expect(apiErrorSchema.parse(response.json()).error.issues?.[0]?.path, query).toBe(path);
      }
    });
  });

  describe('error shape, route by route', () => {
    it('answers a query with an unknown parameter on every route that reads one with 400 and the issues', async () => {
      const withQuery = (await routes(fixtures)).filter((route) => route.contract?.query);
      expect(withQuery.length).toBeGreaterThan(5);
      for (const route of withQuery) {
        const response = await server.send({
          method: route.method,
          path: `${route.path}${route.path.includes('?') ? '&' : '?'}nonsense=1`,
          headers: { 'content-type': 'application/json', ...route.headers },
          ...(route.body ? { body: route.body } : {}),
        });
        expectError(response, 400, 'invalid_request');
        const { error } = apiErrorSchema.parse(response.json());
        expect(error.message, route.name).toBe(
          `The ${route.contract?.names?.query ?? 'query'} is invalid; see issues.`,
        );
        expect(error.issues?.length, route.name).toBeGreaterThan(0);
        expectInert(response);
      }
    });

    it('answers a body with an unknown field on every route that reads one with 400 and the issues', async () => {
      const withBody = (await routes(fixtures)).filter(
        (route) => route.contract?.body && route.contract.body !== ignoredBodySchema,
      );
      expect(withBody.length).toBeGreaterThan(5);
      for (const route of withBody) {
        const response = await server.send({
          method: route.method,
          path: route.path,
          headers: { 'content-type': 'application/json', ...route.headers },
          body: JSON.stringify({ ...(JSON.parse(route.body ?? '{}') as object), nonsense: 1 }),
        });
        expectError(response, 400, 'invalid_request');
        const { error } = apiErrorSchema.parse(response.json());
        expect(error.message, route.name).toBe(`The ${route.contract?.names?.body ?? 'body'} is invalid; see issues.`);
        expect(
          error.issues?.map((issue) => issue.path),
          route.name,
        ).toContain('(root)');
        expectInert(response);
      }
    });
  });

  it('listens on loopback only', async () => {
    const addresses = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && address.family === 'IPv4' && !address.internal)
      .map((address) => address?.address as string);
    for (const address of addresses) {
      const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
        const socket = connect(server.port, address);
        socket.once('connect', () => {
          socket.destroy();
          resolve(undefined);
        });
        socket.once('error', resolve);
      });
      expect(error?.code, address).toBe('ECONNREFUSED');
    }
  });
});

describe.each(STORE_KINDS)('body size limit (%s)', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: kind, app: { bodyLimitBytes: 64 * 1024 } });
  });
  afterAll(() => server.close());

  it('accepts a body just under the limit and answers one just over with 413, storing nothing', async () => {
    const sized = (bytes: number) => {
      const annotation = makeAnnotation({ response: '' });
      const base = JSON.stringify(pushBody([annotation])).length;
      return JSON.stringify(pushBody([{ ...annotation, response: 'x'.repeat(bytes - base) }]));
    };
    const under = sized(64 * 1024);
    expect(Buffer.byteLength(under)).toBe(64 * 1024);
    const accepted = await server.push(under);
    expect(accepted.status).toBe(200);
    expect(accepted.text).toContain('"status":"accepted"');
    const over = sized(64 * 1024 + 1);
    const response = await server.push(over);
    expectError(response, 413, 'payload_too_large');
    expect(await server.countRows('annotations')).toBe(1);
  });
});

describe.each(STORE_KINDS)('rate limit per token (%s)', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: kind, app: { rateLimit: { burst: 5, perSecond: 0.01 } } });
  });
  afterAll(() => server.close());

  it('answers 429 with Retry-After once a token spends its burst; health and a new token are unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await server.send({ path: '/api/v1/stats' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await server.send({ path: '/api/v1/stats' });
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await server.send({ path: '/api/v1/health', token: null })).status).toBe(200);
    const { rotateToken } = await import('../../companion/src/support/token.ts');
    const fresh = rotateToken(server.dataDir);
    expect((await server.send({ path: '/api/v1/stats', token: fresh })).status).toBe(200);
    expectError(await server.send({ path: '/api/v1/stats' }), 401, 'unauthorized');
  });
});
