import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AppDB } from '../../extension/src/db/app-db.ts';
import { claimRefused } from '../../extension/src/sync/claim-refused.ts';
import { testConnection } from '../../extension/src/sync/companion-client.ts';
import { countPending } from '../../extension/src/sync/outbox.ts';
import { createSyncEngine } from '../../extension/src/sync/sync-engine.ts';
import { readMeta } from '../../extension/src/sync/sync-meta.ts';
import { describeSyncStatus, readSyncStatus } from '../../extension/src/sync/sync-status.ts';
import { syncPullResponseSchema } from '../../shared/index.ts';
import { addUser } from '../companion/support/route-samples.ts';
import { startTestServer, type TestServer } from '../companion/support/test-server.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';

let server: TestServer;
let db: AppDB;
let alice: { name: string; token: string };
let bob: { name: string; token: string };

beforeEach(async () => {
  fakeBrowser.reset();
  server = await startTestServer();
  alice = await addUser(server, 'annotator', 'alice');
  bob = await addUser(server, 'annotator', 'bob');
  db = new AppDB(`margin-team-${Math.random()}`);
});
afterEach(async () => {
  db.close();
  await Dexie.delete(db.name);
  await server.close();
});

function engine() {
  return createSyncEngine({ db, alarms: fakeBrowser.alarms, pushDelayMs: 0 });
}

const url = () => `http://127.0.0.1:${server.port}`;

async function stored(token: string) {
  const response = await server.send({ method: 'GET', path: '/api/v1/sync/pull?since=0&limit=100', token });
  return syncPullResponseSchema.parse(response.json()).annotations;
}

describe('the extension on a team server', () => {
  it('learns whom the token signs in as when pairing, and remembers it for the popup', async () => {
    const tried = await testConnection(url(), alice.token);
    expect(tried).toMatchObject({
      ok: true,
      me: { user: { name: 'alice', role: 'annotator' }, server: { team: true } },
    });
    const sync = engine();
    expect(
      await sync.configure({ url: url(), token: alice.token, intervalSeconds: 60, me: tried.ok ? tried.me : null }),
    ).toEqual({ ok: true });
    expect(await readMeta(db, 'signedIn')).toMatchObject({ url: url(), team: true, user: { name: 'alice' } });
    expect((await readSyncStatus(db)).signedIn?.user?.name).toBe('alice');
  });

  it('asks /me itself for a pairing made without it (an extension updated while paired)', async () => {
    const sync = engine();
    await sync.configure({ url: url(), token: bob.token, intervalSeconds: 60 });
    expect(await readMeta(db, 'signedIn')).toBeUndefined();
    await sync.syncNow();
    expect(await readMeta(db, 'signedIn')).toMatchObject({ url: url(), team: true, user: { name: 'bob' } });
  });

  it('says plainly which records the server refused for naming someone else, and sends them as the signed-in user', async () => {
    const sync = engine();
    const tried = await testConnection(url(), alice.token);
    await sync.configure({ url: url(), token: alice.token, intervalSeconds: 60, me: tried.ok ? tried.me : null });
    // Made before pairing, under the extension's default name.
    const before = makeAnnotation({ messageId: 'm-1', annotator: 'me' });
    await db.annotations.put(before);
    await sync.syncNow();
    expect(await countPending(db)).toEqual({ pending: 0, rejected: 1 });
    expect(await stored(server.token)).toEqual([]);
    const view = describeSyncStatus(await readSyncStatus(db), Date.now());
    expect(view.details).toContain(
      '1 record refused by the team server: it names “me”, but you are signed in as “alice”.',
    );

    expect(await claimRefused(db, 'alice', new Date())).toEqual({ claimed: 1, kept: 0 });
    await sync.syncNow();
    expect(await countPending(db)).toEqual({ pending: 0, rejected: 0 });
    const [arrived] = await stored(server.token);
    expect(arrived).toMatchObject({ id: before.id, annotator: 'alice', revision: before.revision + 1 });
    expect(await db.annotations.get(before.id)).toEqual(arrived);
  });

  it('keeps a refused record when the signed-in user already annotated the same response here', async () => {
    const sync = engine();
    await sync.configure({ url: url(), token: alice.token, intervalSeconds: 60 });
    const mine = makeAnnotation({ messageId: 'm-1', annotator: 'alice' });
    const old = makeAnnotation({ messageId: 'm-1', annotator: 'me' });
    await db.annotations.bulkPut([mine, old]);
    await sync.syncNow();
    expect(await countPending(db)).toEqual({ pending: 0, rejected: 1 });
    expect(await claimRefused(db, 'alice', new Date())).toEqual({ claimed: 0, kept: 1 });
    expect((await db.annotations.get(old.id))?.annotator).toBe('me');
  });

  it('gives refused records another push when paired with another token, and keeps every local record', async () => {
    const sync = engine();
    await sync.configure({ url: url(), token: alice.token, intervalSeconds: 60 });
    const bobs = makeAnnotation({ messageId: 'm-2', annotator: 'bob' });
    await db.annotations.put(bobs);
    await sync.syncNow();
    expect(await countPending(db)).toEqual({ pending: 0, rejected: 1 });
    // Bob signs in on this browser: what alice's token could not send, his can.
    await sync.configure({ url: url(), token: bob.token, intervalSeconds: 60 });
    await sync.syncNow();
    expect(await countPending(db)).toEqual({ pending: 0, rejected: 0 });
    expect((await stored(bob.token)).map((annotation) => annotation.id)).toEqual([bobs.id]);
    expect(await db.annotations.count()).toBe(1);
  });
});
