import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Accounts } from '../../companion/src/accounts/accounts.ts';
import { OWNER } from '../../companion/src/accounts/caller.ts';
import { type AppDeps, createApp } from '../../companion/src/app.ts';
import { FeedbackService } from '../../companion/src/feedback/feedback-service.ts';
import { HistoryImports } from '../../companion/src/import-history/uploads.ts';
import { errorHandler } from '../../companion/src/middleware/error-handler.ts';
import { QueueService } from '../../companion/src/queues/queue-service.ts';
import { ReviewService } from '../../companion/src/reviews/review-service.ts';
import { defineRoute, mountRoutes } from '../../companion/src/routes/define-route.ts';
import { openSqliteStores } from '../../companion/src/storage/sqlite/sqlite-stores.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { silentLogger } from '../../companion/src/support/logger.ts';
import { SignInCodes } from '../../companion/src/support/sign-in-codes.ts';
import {
  ADMIN_ONLY,
  API,
  API_ROUTES,
  apiErrorSchema,
  jsonResponse,
  type RouteContract,
  routeContract,
} from '../../shared/index.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { rawRequest } from './support/raw-http.ts';
import { routesWithoutSample } from './support/route-samples.ts';
import { checkRouteTable, contractProblems, mountedRoutes } from './support/route-table.ts';

let dir: { path: string; remove: () => Promise<void> };
let stores: Stores;
let reviews: ReviewService;

/** Every dependency `createApp` takes, the optional ones included, so every route is mounted. */
function fullDeps(): AppDeps {
  return {
    version: '1.0.0',
    store: stores.sync,
    reviews,
    feedback: new FeedbackService({ store: stores.feedback }),
    queues: new QueueService({ queues: stores.queues, annotations: stores.sync, items: stores.items }),
    history: {
      items: stores.items,
      imports: new HistoryImports({ store: stores.sync, items: stores.items, dataDir: dir.path }),
    },
    dashboard: {
      store: stores.dashboard,
      signInCodes: new SignInCodes(stores.signInCodes),
      currentToken: () => 'secret',
      rotateToken: () => 'secret',
      dataDir: dir.path,
      databaseFile: `${dir.path}/margin.sqlite`,
      distDir: `${dir.path}/dist`,
    },
    verifyToken: (token) => token === 'secret',
    accounts: new Accounts({ users: stores.users, audit: stores.audit }),
    rateLimits: stores.rateLimits,
  };
}

const EMPTY_REPORT = { unlisted: [], bypassed: [], unmounted: [], incomplete: [] };

beforeAll(async () => {
  dir = await makeTempDir('route-table');
  stores = openSqliteStores(`${dir.path}/margin.sqlite`);
  reviews = new ReviewService({ store: stores.reviews, logger: silentLogger });
});
afterAll(async () => {
  reviews.close();
  await stores.close();
  await dir.remove();
});

describe('the route table (shared/api)', () => {
  it('is exactly what the companion mounts, each route from its own contract', () => {
    const app = createApp(fullDeps());
    expect(checkRouteTable(app, API_ROUTES)).toEqual(EMPTY_REPORT);
    // The walk found every route, so the empty report is not for want of looking.
    expect(mountedRoutes(app)).toHaveLength(API_ROUTES.length);
    expect(new Set(API_ROUTES.map((route) => route.id)).size).toBe(API_ROUTES.length);
  });

  it('declares for every route its schemas, its access and a request in the boundary matrices', () => {
    for (const route of API_ROUTES) {
      expect(contractProblems(route)).toEqual([]);
      if (route.response.kind === 'json') expect(route.response.schema, route.id).toBeInstanceOf(z.ZodType);
      if (route.method === 'POST' || route.method === 'PATCH') expect(route.body, route.id).toBeInstanceOf(z.ZodType);
    }
    expect(routesWithoutSample(API_ROUTES)).toEqual([]);
    // Non-JSON answers are declared with their content type.
    expect(API.export.download.response).toMatchObject({ kind: 'file', contentType: expect.stringMatching(/jsonl/) });
    expect(API.dashboard.backup.response).toMatchObject({ kind: 'file', contentType: expect.stringMatching(/jsonl/) });
    expect(API.dashboard.files.response).toMatchObject({ kind: 'file', contentType: expect.stringMatching(/html/) });
  });

  describe('the check fails', () => {
    it('for a route mounted with a bare router.get outside the table', () => {
      const scratch = createApp(fullDeps());
      const router = Router();
      router.get('/api/v1/scratch', (_req, res) => {
        res.json({ scratch: true });
      });
      scratch.use(router);
      expect(checkRouteTable(scratch, API_ROUTES)).toEqual({ ...EMPTY_REPORT, unlisted: ['GET /api/v1/scratch'] });
    });

    it('for a path of the table mounted by hand instead of from its contract', () => {
      const scratch = createApp(fullDeps());
      const router = Router();
      router.post(API.sync.push.path, (_req, res) => {
        res.json({});
      });
      scratch.use(router);
      expect(checkRouteTable(scratch, API_ROUTES)).toEqual({ ...EMPTY_REPORT, bypassed: ['POST /api/v1/sync/push'] });
    });

    it('for routes of the table that are not mounted', () => {
      const { reviews: _left, ...withoutReviews } = fullDeps();
      const report = checkRouteTable(createApp(withoutReviews), API_ROUTES);
      expect(report.unmounted).toEqual(Object.values(API.reviews).map((route) => `${route.method} ${route.path}`));
      expect(report.unlisted).toEqual([]);
    });

    it('for a contract without its schemas, or without a request in the boundary matrices', () => {
      const bare = {
        id: 'scratch.bare',
        method: 'POST',
        path: '/api/v1/scratch',
        access: ADMIN_ONLY,
        summary: 'A route someone forgot to describe.',
        response: { kind: 'json' },
      } as unknown as RouteContract;
      expect(contractProblems(bare)).toEqual([
        'POST /api/v1/scratch (scratch.bare): no response schema',
        'POST /api/v1/scratch (scratch.bare): no body schema',
      ]);
      const described = routeContract({
        ...bare,
        body: z.strictObject({}),
        response: jsonResponse(z.strictObject({})),
      });
      expect(contractProblems(described)).toEqual([]);
      expect(routesWithoutSample([...API_ROUTES, described])).toEqual(['scratch.bare']);
    });
  });
});

describe('defineRoute', () => {
  /** A scratch app with one route, the token already checked (as the real app's middleware does). */
  async function serve(definition: ReturnType<typeof defineRoute>, checkResponses: boolean) {
    const app = express();
    // What the token check leaves for a right token: the token, and who it names.
    app.use((_req, res, next) => {
      res.locals.token = 'secret';
      res.locals.user = OWNER;
      next();
    });
    app.use(express.json());
    app.use(mountRoutes([definition], { checkResponses }));
    app.use(errorHandler(silentLogger));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const get = (path: string) => rawRequest(port, { path, headers: { host: `127.0.0.1:${port}` } });
    return { get, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('answers a 500 when a handler answers what its contract does not describe, when checking', async () => {
    const offContract = defineRoute(API.sync.health, () => ({ ok: 'yes', version: 1 }) as never);
    const checked = await serve(offContract, true);
    const unchecked = await serve(offContract, false);
    try {
      const refused = await checked.get('/api/v1/health');
      expect(refused.status).toBe(500);
      expect(apiErrorSchema.parse(refused.json()).error.code).toBe('internal_error');
      expect((await unchecked.get('/api/v1/health')).status).toBe(200);
    } finally {
      await checked.close();
      await unchecked.close();
    }
  });

  it('parses the query with the contract, naming every invalid field, before the handler runs', async () => {
    let calls = 0;
    const pull = await serve(
      defineRoute(API.sync.pull, ({ query }) => {
        calls += 1;
        return { annotations: [], comparisons: [], checkpoint: query.since, hasMore: false };
      }),
      true,
    );
    try {
      const refused = await pull.get('/api/v1/sync/pull?since=-1&limit=0');
      expect(refused.status).toBe(400);
      expect(apiErrorSchema.parse(refused.json()).error).toMatchObject({
        code: 'invalid_request',
        message: 'The query is invalid; see issues.',
        issues: [expect.objectContaining({ path: 'since' }), expect.objectContaining({ path: 'limit' })],
      });
      expect(calls).toBe(0);
      expect((await pull.get('/api/v1/sync/pull?since=7')).json()).toMatchObject({ checkpoint: 7 });
    } finally {
      await pull.close();
    }
  });

  it('refuses a token-only route to a request the token check let through without one', async () => {
    const app = express();
    app.use(mountRoutes([defineRoute(API.sync.stats, () => stores.sync.stats())], { checkResponses: true }));
    app.use(errorHandler(silentLogger));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const response = await rawRequest(port, { path: '/api/v1/stats', headers: { host: `127.0.0.1:${port}` } });
      expect(response.status).toBe(401);
      expect(apiErrorSchema.parse(response.json()).error.code).toBe('unauthorized');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
