import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readToken } from '../../companion/src/support/token.ts';
import { API_ROUTES, apiErrorSchema, isPublicRoute, ROLES, routeAllows, type UserRole } from '../../shared/index.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { addUser, prepareFixtures, type RouteFixtures, sampleRequest } from './support/route-samples.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * Routes × roles, enumerated from the route table (shared/api): for every route that is not public
 * and every role, a request with a token of a user with that role gets past the role check when the
 * route names the role (any answer but 401, and no `forbidden_role`), and a 403 `forbidden_role`
 * naming the role and the route's roles when it does not. A route added to the table is in the
 * matrix without a change here; its roles come from its contract.
 */
const GUARDED = API_ROUTES.filter((route) => !isPublicRoute(route));

describe.each(STORE_KINDS)('routes × roles (%s)', (kind) => {
  let server: TestServer;
  let fixtures: RouteFixtures;
  const tokens = {} as Record<UserRole, { name: string; token: string }>;

  beforeAll(async () => {
    server = await startTestServer({ store: kind });
    fixtures = await prepareFixtures(server);
    for (const role of ROLES) tokens[role] = await addUser(server, role, `matrix-${role}`);
  }, 120_000);
  afterAll(() => server.close());

  it('covers every guarded route of the table, each naming at least one role', () => {
    expect(GUARDED.length).toBeGreaterThan(40);
    for (const route of GUARDED) expect(route.access.kind === 'roles' && route.access.roles.length).toBeTruthy();
  });

  it.each(ROLES)(
    'a %s is let through exactly the routes that name the role',
    async (role) => {
      const wrong: string[] = [];
      for (const route of GUARDED) {
        const { expect: _statuses, ...request } = await sampleRequest(route, fixtures);
        const response = await server.send({ ...request, token: tokens[role].token });
        // An admin may rotate the pairing token: the owner's requests (the samples' fixtures) use the new one.
        server.token = readToken(server.dataDir) as string;
        const code = response.status >= 400 ? apiErrorSchema.safeParse(response.json()).data?.error.code : undefined;
        if (routeAllows(route, role)) {
          if (response.status === 401 || code === 'forbidden_role')
            wrong.push(`${route.id}: ${response.status} ${code}`);
        } else {
          const error = apiErrorSchema.parse(response.json()).error;
          if (response.status !== 403 || error.code !== 'forbidden_role') {
            wrong.push(`${route.id}: ${response.status} ${response.text.slice(0, 200)}`);
          } else {
            expect(error.message).toContain(`"matrix-${role}" is a`);
            expect(error.message).toContain(role);
            expect(error.message).toContain(route.id);
            const needed = route.access.kind === 'roles' ? route.access.roles : [];
            for (const allowed of needed) expect(error.message).toContain(`"${allowed}"`);
          }
        }
      }
      expect(wrong).toEqual([]);
    },
    120_000,
  );

  it('the owner (the pairing token) is an admin: every guarded route lets it through', async () => {
    const wrong: string[] = [];
    for (const route of GUARDED) {
      const { expect: _statuses, ...request } = await sampleRequest(route, fixtures);
      const response = await server.send(request);
      server.token = readToken(server.dataDir) as string;
      if (response.status === 401 || response.status === 403) wrong.push(`${route.id}: ${response.status}`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('a revoked or rotated token is a 401, like an unknown one', async () => {
    const gone = await addUser(server, 'viewer');
    const me = { method: 'GET', path: '/api/v1/me' } as const;
    expect((await server.send({ ...me, token: gone.token })).status).toBe(200);
    const revoked = await server.send({
      method: 'POST',
      path: `/api/v1/users/${gone.name}/revoke`,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(revoked.status).toBe(200);
    const after = await server.send({ ...me, token: gone.token });
    expect(after.status).toBe(401);
    expect(apiErrorSchema.parse(after.json()).error.code).toBe('unauthorized');

    const rotated = await addUser(server, 'annotator');
    const fresh = await server.send({
      method: 'POST',
      path: `/api/v1/users/${rotated.name}/rotate`,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(fresh.status).toBe(200);
    const { token } = fresh.json() as { token: string };
    expect((await server.send({ ...me, token: rotated.token })).status).toBe(401);
    expect((await server.send({ ...me, token })).json()).toMatchObject({
      user: { name: rotated.name, role: 'annotator', kind: 'human' },
      server: { team: true },
    });
  });
});
