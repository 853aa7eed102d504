import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditResponseSchema, userListResponseSchema } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { addUser } from './support/route-samples.ts';
import { pushBody, startTestServer, type TestServer } from './support/test-server.ts';

/** What the dashboard's Users and Audit log pages read, on both stores. */
describe.each(STORE_KINDS)('the admin API behind the Users and Audit pages (%s)', (kind) => {
  let server: TestServer;
  let alice: { name: string; token: string };
  let startedAt: string;

  beforeAll(async () => {
    server = await startTestServer({ store: kind });
    startedAt = new Date().toISOString();
    alice = await addUser(server, 'annotator', 'alice');
    await addUser(server, 'viewer', 'vera');
    for (let round = 0; round < 3; round++) {
      const response = await server.push(pushBody([makeAnnotation({ annotator: 'alice' })]), alice.token);
      expect(response.status, response.text).toBe(200);
    }
  }, 60_000);
  afterAll(() => server.close());

  const audit = async (query: string) => {
    const response = await server.send({ method: 'GET', path: `/api/v1/audit?${query}` });
    expect(response.status, response.text).toBe(200);
    return auditResponseSchema.parse(response.json());
  };

  it('lists users with when the audit log last saw them, null for one it never saw', async () => {
    const response = await server.send({ method: 'GET', path: '/api/v1/users' });
    expect(response.status, response.text).toBe(200);
    const users = userListResponseSchema.parse(response.json()).users;
    const byName = new Map(users.map((user) => [user.name, user]));
    const newestPush = (await audit('user=alice&action=annotations.push&limit=1')).entries[0];
    expect(byName.get('alice')?.lastActiveAt).toBe(newestPush?.at);
    expect(byName.get('vera')?.lastActiveAt).toBeNull();
  });

  it('filters by action and by user, and pages newest first without gaps or repeats', async () => {
    const pushes = await audit('action=annotations.push');
    expect(pushes.entries).toHaveLength(3);
    expect(pushes.entries.every((entry) => entry.action === 'annotations.push' && entry.actor === 'alice')).toBe(true);
    expect(pushes.next).toBeNull();
    expect((await audit('action=user.add&user=alice')).entries).toEqual([]);

    const all = (await audit('limit=1000')).entries;
    expect(all.length).toBe(5); // two users added, three pushes
    const paged: number[] = [];
    let next: number | null = null;
    do {
      const page = await audit(`limit=2${next === null ? '' : `&before=${next}`}`);
      expect(page.entries.length).toBeLessThanOrEqual(2);
      paged.push(...page.entries.map((entry) => entry.id));
      next = page.next;
    } while (next !== null);
    expect(paged).toEqual(all.map((entry) => entry.id));
    expect([...paged].sort((a, b) => b - a)).toEqual(paged);
  });

  it('takes a date range: since inclusive, until exclusive', async () => {
    const all = (await audit('limit=1000')).entries;
    const oldest = all.at(-1);
    expect((await audit(`since=${startedAt}`)).entries).toHaveLength(all.length);
    expect((await audit(`until=${startedAt}`)).entries).toEqual([]);
    const untilOldest = await audit(`until=${encodeURIComponent(oldest?.at ?? '')}`);
    expect(untilOldest.entries.some((entry) => entry.id === oldest?.id)).toBe(false);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await audit(`since=${future}`)).entries).toEqual([]);
  });

  it('refuses an unknown action with the house error, and the pages to non-admins', async () => {
    const response = await server.send({ method: 'GET', path: '/api/v1/audit?action=user.delete' });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: { issues: [{ path: 'action' }] } });
    expect((await server.send({ method: 'GET', path: '/api/v1/users', token: alice.token })).status).toBe(403);
  });
});
