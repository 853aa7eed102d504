import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../companion/src/middleware/error-handler.ts';
import { undecodableParams } from '../../companion/src/routes/define-route.ts';
import type { Logger } from '../../companion/src/support/logger.ts';
import { API_ROUTES, apiErrorSchema, type RouteContract } from '../../shared/index.ts';
import { rawRequest } from './support/raw-http.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * Segments Express cannot decode (decodeURIComponent throws): a cut escape, a lone %, a non-hex
 * escape, a UTF-8 sequence cut short, an encoded surrogate, and a stray continuation byte.
 */
const BROKEN = ['%E0%A4%A', '%', '%ZZ', 'abc%C3', '%ED%A0%80', '%80x'];

/** Every route of the table with a `:name` in its path, so a route added later is covered here too. */
const WITH_PARAMS = API_ROUTES.filter((route) => route.path.split('/').some((segment) => segment.startsWith(':')));

function paramNames(route: RouteContract): string[] {
  return route.path
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1));
}

/** The route's path with `name` set to `value` (raw, not encoded again) and every other parameter valid. */
function pathWith(route: RouteContract, name: string, value: string): string {
  return route.path
    .split('/')
    .map((segment) => (segment === `:${name}` ? value : segment.startsWith(':') ? 'x' : segment))
    .join('/');
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('a path parameter that is not valid percent-encoding', () => {
  it('the table has routes with parameters (annotations, reviews, logs)', () => {
    const ids = WITH_PARAMS.map((route) => route.id);
    expect(ids).toEqual(expect.arrayContaining(['annotations.get', 'reviews.get', 'feedback.getLog']));
  });

  for (const route of WITH_PARAMS) {
    for (const name of paramNames(route)) {
      it(`${route.method} ${route.path}: ${name} broken answers 400 naming ${name}`, async () => {
        for (const broken of BROKEN) {
          const response = await server.send({
            method: route.method,
            path: pathWith(route, name, broken),
            ...(route.method === 'GET' || route.method === 'DELETE'
              ? {}
              : { headers: { 'content-type': 'application/json' }, body: '{}' }),
          });
          expect(response.status, `${broken}: ${response.text}`).toBe(400);
          const { error } = apiErrorSchema.parse(response.json());
          expect(error.code).toBe('invalid_request');
          expect(error.message).toContain(`"${name}"`);
          expect(error.issues?.map((issue) => issue.path)).toEqual([name]);
          // Nothing of the request or of the library is quoted back (a lone % is in the advice itself).
          if (broken !== '%') expect(response.text).not.toContain(broken);
          expect(response.text).not.toMatch(/URIError|decode param/i);
        }
      });

      it(`${route.method} ${route.path}: without the token it is a 401 like any other request`, async () => {
        const response = await server.send({
          method: route.method,
          path: pathWith(route, name, '%E0%A4%A'),
          token: null,
        });
        expect(response.status, response.text).toBe(route.access.kind === 'public' ? 400 : 401);
        apiErrorSchema.parse(response.json());
      });
    }
  }

  it('a broken path no route owns is a 404, with or without the token, never a 500', async () => {
    for (const path of ['/%E0%A4%A', '/api/v1/nope/%E0%A4%A', '/assets/%ZZ.js', '/api/v1/annotations/%E0/extra']) {
      const withToken = await server.send({ path });
      expect(withToken.status, `${path}: ${withToken.text}`).toBe(404);
      expect(apiErrorSchema.parse(withToken.json()).error.code).toBe('not_found');
      const without = await server.send({ path, token: null });
      expect(without.status, `${path}: ${without.text}`).toBe(401);
    }
  });

  it('a trailing slash or another case of the literal segments still names the parameter, as Express routes them', async () => {
    for (const path of ['/api/v1/annotations/%E0%A4%A/', '/API/v1/Annotations/%E0%A4%A']) {
      const response = await server.send({ path });
      expect(response.status, `${path}: ${response.text}`).toBe(400);
      expect(apiErrorSchema.parse(response.json()).error.issues).toEqual([{ path: 'id', message: expect.any(String) }]);
    }
  });

  it('the server logged no failure for any of them', () => {
    expect(server.logs.filter((line) => /failed/.test(line))).toEqual([]);
  });
});

describe('undecodableParams', () => {
  it('names only the parameters that do not decode, on the route’s own path', () => {
    expect(undecodableParams('/api/v1/reviews/:id/decision', '/api/v1/reviews/%E0/decision')).toEqual(['id']);
    expect(undecodableParams('/api/v1/reviews/:id/decision', '/api/v1/reviews/%C3%A9/decision')).toEqual([]);
    expect(undecodableParams('/api/v1/reviews/:id/decision', '/api/v1/reviews/%E0/cancel')).toEqual([]);
    expect(undecodableParams('/api/v1/reviews/:id', '/api/v1/reviews/%E0/decision')).toEqual([]);
    expect(undecodableParams('/a/:x/:y', '/a/%E0/%ZZ')).toEqual(['x', 'y']);
    expect(undecodableParams('/{*file}', '/%E0')).toEqual([]);
  });
});

describe('the error handler', () => {
  it('answers a library’s client error with its own 4xx status, quoting nothing, and logs no failure', async () => {
    const logged: string[] = [];
    const logger: Logger = { info() {}, warn() {}, error: (message) => logged.push(message) };
    const app = express();
    app.get('/teapot', () => {
      throw Object.assign(new Error("Failed to frobnicate '<secret request part>'"), { status: 418 });
    });
    app.get('/broken', () => {
      throw new Error('a real bug');
    });
    app.use(errorHandler(logger));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const teapot = await rawRequest(port, { path: '/teapot', headers: { host: `127.0.0.1:${port}` } });
      expect(teapot.status).toBe(418);
      expect(apiErrorSchema.parse(teapot.json()).error.code).toBe('bad_request');
      expect(teapot.text).not.toContain('secret');
      expect(logged).toEqual([]);
      const broken = await rawRequest(port, { path: '/broken', headers: { host: `127.0.0.1:${port}` } });
      expect(broken.status).toBe(500);
      expect(logged).toEqual(['GET /broken failed']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
