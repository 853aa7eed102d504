import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Annotation,
  annotationListResponseSchema,
  auditResponseSchema,
  syncPullResponseSchema,
  syncPushResponseSchema,
} from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { addUser } from './support/route-samples.ts';
import { pushBody, startTestServer, type TestServer } from './support/test-server.ts';

/** Identity from the token and the audit log, on a team server, on both stores. */
describe.each(STORE_KINDS)('accounts on a team server (%s)', (kind) => {
  let server: TestServer;
  let alice: { name: string; token: string };
  let bob: { name: string; token: string };

  beforeAll(async () => {
    server = await startTestServer({ store: kind });
    alice = await addUser(server, 'annotator', 'alice');
    bob = await addUser(server, 'annotator', 'bob');
  }, 60_000);
  afterAll(() => server.close());

  const push = async (annotations: unknown[], token: string) => {
    const response = await server.push(pushBody(annotations), token);
    expect(response.status, response.text).toBe(200);
    return syncPushResponseSchema.parse(response.json());
  };
  const stored = (id: string) =>
    server.database.query<{ annotator: string }>(
      kind === 'sqlite'
        ? 'SELECT annotator FROM annotations WHERE id = ?'
        : 'SELECT annotator FROM annotations WHERE id = $1',
      [id],
    );

  it('fills in the pushing user as annotator, and refuses per record one naming someone else', async () => {
    const own = makeAnnotation({ annotator: 'alice' });
    const { annotator: _left, ...anonymous } = makeAnnotation();
    const forged = makeAnnotation({ annotator: 'bob' });
    const result = await push([own, anonymous, forged], alice.token);
    expect(result.annotations.map((item) => item.status)).toEqual(['accepted', 'accepted', 'rejected']);
    const refused = result.annotations[2];
    expect(refused?.status === 'rejected' && refused.issues?.[0]).toMatchObject({
      path: 'annotator',
      message: expect.stringContaining('signed in as "alice"'),
    });
    expect(await stored(own.id)).toEqual([{ annotator: 'alice' }]);
    expect(await stored(anonymous.id)).toEqual([{ annotator: 'alice' }]);
    expect(await stored(forged.id)).toEqual([]);
  });

  it("refuses an annotator's push over or deleting another user's annotation", async () => {
    const bobs = makeAnnotation({ annotator: 'bob' });
    await push([bobs], bob.token);
    const takeover: Annotation = { ...bobs, annotator: 'alice', revision: 2, comment: 'mine now' };
    const deletion: Annotation = { ...bobs, annotator: 'alice', revision: 2, deletedAt: new Date().toISOString() };
    const result = await push([takeover, deletion], alice.token);
    expect(result.annotations.map((item) => item.status)).toEqual(['rejected', 'rejected']);
    expect(result.annotations[0]?.status === 'rejected' && result.annotations[0].issues?.[0]?.message).toContain(
      'belongs to "bob"',
    );
    expect(await stored(bobs.id)).toEqual([{ annotator: 'bob' }]);
    // The dashboard's routes say the same: another's annotation is not an annotator's to read or change.
    const edit = await server.send({
      method: 'PATCH',
      path: `/api/v1/annotations/${bobs.id}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ baseRevision: 1, comment: 'x' }),
      token: alice.token,
    });
    expect(edit.status).toBe(403);
    expect(edit.json()).toMatchObject({ error: { code: 'not_yours' } });
  });

  it("an annotator's pull and table hold only their own annotations; the owner's hold everyone's", async () => {
    const pull = async (token: string) => {
      const response = await server.send({ method: 'GET', path: '/api/v1/sync/pull?since=0&limit=1000', token });
      return syncPullResponseSchema.parse(response.json()).annotations.map((annotation) => annotation.annotator);
    };
    expect(new Set(await pull(alice.token))).toEqual(new Set(['alice']));
    expect(new Set(await pull(bob.token))).toEqual(new Set(['bob']));
    expect(new Set(await pull(server.token))).toEqual(new Set(['alice', 'bob']));
    const table = await server.send({ method: 'GET', path: '/api/v1/annotations', token: bob.token });
    const { rows } = annotationListResponseSchema.parse(table.json());
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row.annotator))).toEqual(new Set(['bob']));
  });

  it('a review decision records the deciding user, and may not name another', async () => {
    const created = await server.send({
      method: 'POST',
      path: '/api/v1/reviews',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Ship it?' }),
    });
    const { review } = created.json() as { review: { id: string } };
    const decide = (reviewer: string) =>
      server.send({
        method: 'POST',
        path: `/api/v1/reviews/${review.id}/decision`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve', reviewer }),
        token: alice.token,
      });
    const forged = await decide('bob');
    expect(forged.status).toBe(400);
    expect(forged.json()).toMatchObject({ error: { issues: [{ path: 'reviewer' }] } });
    const decided = await decide('alice');
    expect(decided.status, decided.text).toBe(200);
    expect(decided.json()).toMatchObject({ status: 'approved', reviewer: 'alice' });
  });

  it('a review names who asked: the token’s user by default, the name a pipeline sends, nobody for the owner', async () => {
    const create = async (body: object, token: string) => {
      const response = await server.send({
        method: 'POST',
        path: '/api/v1/reviews',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        token,
      });
      expect(response.status, response.text).toBe(201);
      return (response.json() as { review: { id: string; requestedBy: string | null } }).review;
    };
    const byBob = await create({ title: 'Asked by bob' }, bob.token);
    expect(byBob.requestedBy).toBe('bob');
    const byPipeline = await create({ title: 'Asked by a pipeline', requestedBy: 'nightly-eval' }, bob.token);
    expect(byPipeline.requestedBy).toBe('nightly-eval');
    const byOwner = await create({ title: 'Asked with the pairing token' }, server.token);
    expect(byOwner.requestedBy).toBeNull();

    const got = await server.send({ method: 'GET', path: `/api/v1/reviews/${byBob.id}`, token: alice.token });
    expect(got.json()).toMatchObject({ requestedBy: 'bob' });
    const list = await server.send({
      method: 'GET',
      path: '/api/v1/reviews?status=pending&limit=100',
      token: alice.token,
    });
    const summaries = (list.json() as { reviews: { id: string; requestedBy: string | null }[] }).reviews;
    expect(summaries.filter((review) => [byBob.id, byPipeline.id, byOwner.id].includes(review.id))).toEqual([
      expect.objectContaining({ id: byBob.id, requestedBy: 'bob' }),
      expect.objectContaining({ id: byPipeline.id, requestedBy: 'nightly-eval' }),
      expect.objectContaining({ id: byOwner.id, requestedBy: null }),
    ]);
  });

  it('the audit log records pushes, refusals, decisions, exports and user management, by whom', async () => {
    const exported = await server.send({ method: 'GET', path: '/api/v1/export?format=raw', token: server.token });
    expect(exported.status).toBe(200);
    const response = await server.send({ method: 'GET', path: '/api/v1/audit?limit=100' });
    expect(response.status).toBe(200);
    const { entries } = auditResponseSchema.parse(response.json());
    const seen = entries.map((entry) => `${entry.actor} ${entry.action} ${entry.target ?? '-'}`);
    expect(seen).toEqual(expect.arrayContaining(['owner user.add alice', 'owner user.add bob', 'owner export -']));
    expect(entries.filter((entry) => entry.action === 'review.decide').map((entry) => entry.actor)).toEqual(['alice']);
    const alicePushes = entries.filter((entry) => entry.actor === 'alice' && entry.action === 'annotations.push');
    expect(alicePushes.map((entry) => entry.details)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ created: 2, rejected: 1 }),
        expect.objectContaining({ created: 0, rejected: 2 }),
      ]),
    );
    const exportEntry = entries.find((entry) => entry.action === 'export');
    expect(exportEntry?.details).toMatchObject({ format: 'raw', lines: 3, complete: true });
    const onlyBob = await server.send({ method: 'GET', path: '/api/v1/audit?user=bob' });
    const bobs = auditResponseSchema.parse(onlyBob.json()).entries;
    expect(bobs.length).toBeGreaterThan(0);
    expect(bobs.every((entry) => entry.actor === 'bob')).toBe(true);
    // An annotator may not read it.
    expect((await server.send({ method: 'GET', path: '/api/v1/audit', token: alice.token })).status).toBe(403);
  });

  it('a sign-in code signs in as the user who asked for it', async () => {
    const issued = await server.send({
      method: 'POST',
      path: '/api/v1/sign-in/codes',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      token: bob.token,
    });
    const { code } = issued.json() as { code: string };
    const signedIn = await server.send({
      method: 'POST',
      path: '/api/v1/sign-in',
      headers: { 'content-type': 'application/json', origin: `http://${server.host}` },
      body: JSON.stringify({ code }),
      token: null,
    });
    expect(signedIn.status, signedIn.text).toBe(200);
    const { token } = signedIn.json() as { token: string };
    expect(token).not.toBe(bob.token);
    expect(token).not.toBe(server.token);
    const me = await server.send({ method: 'GET', path: '/api/v1/me', token });
    expect(me.json()).toMatchObject({ user: { name: 'bob', role: 'annotator' }, server: { team: true } });
  });
});

describe('a personal server', () => {
  it('is the owner, an admin, and stores the annotator name the extension sends', async () => {
    const server = await startTestServer();
    try {
      const me = await server.send({ method: 'GET', path: '/api/v1/me' });
      expect(me.json()).toMatchObject({
        user: { name: 'owner', role: 'admin', kind: 'human' },
        server: { team: false },
      });
      const annotation = makeAnnotation({ annotator: 'ada' });
      const pushed = await server.push(pushBody([annotation]));
      expect(syncPushResponseSchema.parse(pushed.json()).annotations[0]?.status).toBe('accepted');
      expect(await server.database.query('SELECT annotator FROM annotations WHERE id = ?', [annotation.id])).toEqual([
        { annotator: 'ada' },
      ]);
    } finally {
      await server.close();
    }
  });
});
