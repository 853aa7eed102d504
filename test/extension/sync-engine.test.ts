import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AppDB } from '../../extension/src/db/app-db.ts';
import { type FetchLike, testConnection } from '../../extension/src/sync/companion-client.ts';
import { countPending } from '../../extension/src/sync/outbox.ts';
import { isExtensionPage } from '../../extension/src/sync/sender-check.ts';
import { createSyncEngine, SYNC_ALARM, type SyncEngine } from '../../extension/src/sync/sync-engine.ts';
import { readMeta } from '../../extension/src/sync/sync-meta.ts';
import { type Annotation, statsResponseSchema, syncPullResponseSchema } from '../../shared/index.ts';
import { startTestServer, type TestServer } from '../companion/support/test-server.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';

let server: TestServer;
let clock: number;
const dbs: AppDB[] = [];

/** A fetch that can be told to fail the way a stopped companion or a dropped connection does. */
function controllableFetch() {
  const control = {
    mode: 'up' as 'up' | 'down' | 'lose-answer' | 'hang',
    requests: [] as string[],
    hanging: [] as (() => void)[],
    fetch: (async (input, init) => {
      control.requests.push(`${init.method ?? 'GET'} ${new URL(input).pathname}`);
      if (control.mode === 'down') throw new TypeError('fetch failed');
      if (control.mode === 'hang') {
        await new Promise<void>((resolve) => control.hanging.push(resolve));
        throw new TypeError('the worker was stopped');
      }
      const response = await fetch(input, init);
      if (control.mode === 'lose-answer') {
        // The companion has done its work; the answer never reaches the extension.
        await response.arrayBuffer();
        throw new TypeError('connection reset');
      }
      return response;
    }) as FetchLike,
  };
  return control;
}

function openDb(name = `margin-engine-${Math.random()}`) {
  const db = new AppDB(name);
  dbs.push(db);
  return db;
}

function engineFor(db: AppDB, fetchImpl: FetchLike) {
  return createSyncEngine({
    db,
    alarms: fakeBrowser.alarms,
    fetch: fetchImpl,
    now: () => clock,
    random: () => 0.5,
    pushDelayMs: 0,
  });
}

async function pair(engine: SyncEngine, token = server.token, intervalSeconds = 60) {
  const result = await engine.configure({ url: `http://127.0.0.1:${server.port}/`, token, intervalSeconds });
  expect(result).toEqual({ ok: true });
  return engine.syncNow();
}

async function companionStats() {
  const response = await server.send({ path: '/api/v1/stats' });
  return statsResponseSchema.parse(response.json());
}

async function companionAnnotations(): Promise<Annotation[]> {
  const response = await server.send({ path: '/api/v1/sync/pull?since=0&limit=1000' });
  return syncPullResponseSchema.parse(response.json()).annotations;
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function many(count: number, conversationId = 'conv-many'): Annotation[] {
  return Array.from({ length: count }, (_, n) =>
    makeAnnotation({ conversationId, messageId: `m-${n}`, comment: `note ${n}`, annotator: 'ada' }),
  );
}

beforeEach(async () => {
  fakeBrowser.reset();
  clock = Date.parse('2026-09-01T10:00:00.000Z');
  server = await startTestServer();
});
afterEach(async () => {
  for (const db of dbs.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
  await server.close();
});

describe('the sync engine against a real companion', () => {
  it('pushes what was saved, marks it synced, and schedules the next run one interval later', async () => {
    const db = openDb();
    const control = controllableFetch();
    const engine = engineFor(db, control.fetch);
    const saved = many(3);
    await db.annotations.bulkPut(saved);
    const state = await pair(engine);
    expect(state).toMatchObject({ failure: null, attempt: 0, lastSuccessAt: clock, nextAttemptAt: clock + 60_000 });
    expect((await fakeBrowser.alarms.get(SYNC_ALARM))?.scheduledTime).toBe(clock + 60_000);
    expect(await countPending(db)).toEqual({ pending: 0, rejected: 0 });
    expect((await companionAnnotations()).map((a) => a.id).sort()).toEqual(saved.map((a) => a.id).sort());
    expect(await readMeta(db, 'checkpoint')).toBe(3);
    // The device id is made once and kept.
    const deviceId = await readMeta(db, 'deviceId');
    expect(deviceId).toMatch(/^[0-9a-f-]{36}$/);
    await engine.syncNow();
    expect(await readMeta(db, 'deviceId')).toBe(deviceId);
  });

  it('backs off exponentially while the companion is down, then delivers everything once it is back', async () => {
    const db = openDb();
    const control = controllableFetch();
    const engine = engineFor(db, control.fetch);
    await pair(engine, server.token, 10);
    control.mode = 'down';
    const firstFailure = clock;
    await db.annotations.bulkPut(many(3));
    await engine.handleAlarm(SYNC_ALARM);
    let state = await readMeta(db, 'state');
    expect(state).toMatchObject({
      attempt: 1,
      failure: { kind: 'unreachable', since: firstFailure },
      nextAttemptAt: clock + 10_000,
    });
    expect((await fakeBrowser.alarms.get(SYNC_ALARM))?.scheduledTime).toBe(clock + 10_000);

    clock += 10_000;
    await engine.handleAlarm(SYNC_ALARM);
    state = await readMeta(db, 'state');
    // Twice as long; the failure keeps the time it started.
    expect(state).toMatchObject({
      attempt: 2,
      failure: { kind: 'unreachable', since: firstFailure },
      nextAttemptAt: clock + 20_000,
    });

    // A change while backing off waits for the alarm instead of hammering a stopped companion.
    await engine.start();
    const before = control.requests.length;
    await db.annotations.put(makeAnnotation({ conversationId: 'conv-later' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(control.requests.length).toBe(before);
    expect(await countPending(db)).toEqual({ pending: 4, rejected: 0 });

    control.mode = 'up';
    clock += 20_000;
    await engine.handleAlarm(SYNC_ALARM);
    expect(await readMeta(db, 'state')).toMatchObject({ attempt: 0, failure: null, lastSuccessAt: clock });
    expect(await countPending(db)).toEqual({ pending: 0, rejected: 0 });
    expect((await companionStats()).annotations.live).toBe(4);
  });

  it('tells a rejected token apart from an unreachable companion, and stops until a new token is given', async () => {
    const db = openDb();
    const control = controllableFetch();
    const engine = engineFor(db, control.fetch);
    await db.annotations.put(makeAnnotation());
    const state = await pair(engine, 'not-the-token');
    expect(state.failure).toMatchObject({ kind: 'unauthorized' });
    expect(state.nextAttemptAt).toBeNull();
    expect(await fakeBrowser.alarms.get(SYNC_ALARM)).toBeUndefined();
    const before = control.requests.length;
    engine.requestSoon();
    await db.annotations.put(makeAnnotation());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(control.requests.length).toBe(before);

    const fixed = await pair(engine);
    expect(fixed.failure).toBeNull();
    expect((await companionStats()).annotations.live).toBe(2);
  });

  it('pushes again after a lost acknowledgement: nothing duplicated, nothing lost', async () => {
    const db = openDb();
    const control = controllableFetch();
    const engine = engineFor(db, control.fetch);
    await pair(engine);
    await db.annotations.bulkPut(many(5));
    control.mode = 'lose-answer';
    await engine.handleAlarm(SYNC_ALARM);
    expect((await readMeta(db, 'state'))?.failure?.kind).toBe('unreachable');
    // The companion stored them, but the extension cannot know: they stay queued.
    expect((await companionStats()).annotations.live).toBe(5);
    expect((await countPending(db)).pending).toBe(5);

    control.mode = 'up';
    await engine.handleAlarm(SYNC_ALARM);
    expect(await countPending(db)).toEqual({ pending: 0, rejected: 0 });
    const stats = await companionStats();
    expect(stats.annotations.live).toBe(5);
    expect(stats.history).toBe(0);
  });

  it('survives a worker stopped in the middle of a run: the alarm set before the run finishes the job', async () => {
    const name = `margin-stopped-${Math.random()}`;
    const db = openDb(name);
    const control = controllableFetch();
    const engine = engineFor(db, control.fetch);
    await pair(engine, server.token, 5);
    const records = many(450);
    await db.annotations.bulkPut(records);
    // The first batch goes through, the second never comes back: the worker is stopped there.
    let pushes = 0;
    const stopping: FetchLike = async (input, init) => {
      if (init.method === 'POST' && ++pushes === 2) control.mode = 'hang';
      return control.fetch(input, init);
    };
    const doomed = engineFor(db, stopping);
    const run = doomed.handleAlarm(SYNC_ALARM);
    while (control.hanging.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await companionStats()).annotations.live).toBe(200);
    // What the stopped worker left behind is only what is in IndexedDB and the alarm.
    const alarm = await fakeBrowser.alarms.get(SYNC_ALARM);
    expect(alarm?.scheduledTime).toBeGreaterThan(clock);
    db.close();
    control.mode = 'up';
    for (const wake of control.hanging) wake();
    await run.catch(() => undefined);

    const reopened = openDb(name);
    const restarted = engineFor(reopened, control.fetch);
    await restarted.start();
    clock = alarm?.scheduledTime ?? clock;
    await restarted.handleAlarm(SYNC_ALARM);
    expect(await countPending(reopened)).toEqual({ pending: 0, rejected: 0 });
    const stats = await companionStats();
    expect(stats.annotations.live).toBe(450);
    expect(stats.history).toBe(0);
    expect((await companionAnnotations()).map((a) => a.id).sort()).toEqual(records.map((a) => a.id).sort());
  });

  it('arms the alarm again when it fires while a run is still in flight', async () => {
    const db = openDb();
    const control = controllableFetch();
    const engine = engineFor(db, control.fetch);
    await pair(engine, server.token, 1);
    await db.annotations.put(makeAnnotation());
    control.mode = 'hang';
    const run = engine.handleAlarm(SYNC_ALARM);
    while (control.hanging.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // The browser fires the alarm (and forgets it) while the push hangs.
    await fakeBrowser.alarms.clear(SYNC_ALARM);
    clock += 1_000;
    const joined = engine.handleAlarm(SYNC_ALARM);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await fakeBrowser.alarms.get(SYNC_ALARM))?.scheduledTime).toBe(clock + 1_000);
    control.mode = 'up';
    for (const wake of control.hanging) wake();
    await Promise.all([run, joined]);
    // The hung push failed, so the run backs off; the re-armed alarm then finishes the job.
    clock = (await fakeBrowser.alarms.get(SYNC_ALARM))?.scheduledTime ?? clock;
    await engine.handleAlarm(SYNC_ALARM);
    expect(await countPending(db)).toEqual({ pending: 0, rejected: 0 });
  });

  it('brings edits made elsewhere to this profile and settles a conflict the same way on both sides', async () => {
    const control = controllableFetch();
    const a = openDb();
    const b = openDb();
    const engineA = engineFor(a, control.fetch);
    const engineB = engineFor(b, control.fetch);
    await pair(engineA);
    await pair(engineB);
    const original = makeAnnotation({ annotator: 'ada', revision: 1 });
    await a.annotations.put(original);
    await engineA.syncNow();
    await engineB.syncNow();
    expect(await b.annotations.get(original.id)).toEqual(original);
    expect(await countPending(b)).toEqual({ pending: 0, rejected: 0 });

    // Both edit revision 1 → 2 while apart; B's edit is later, so it wins everywhere.
    await a.annotations.put({ ...original, comment: 'A says', revision: 2, updatedAt: '2026-11-02T10:00:00.000Z' });
    const fromB = { ...original, comment: 'B says', revision: 2, updatedAt: '2026-11-02T11:00:00.000Z' };
    await b.annotations.put(fromB);
    await engineB.syncNow();
    await engineA.syncNow();
    expect(await a.annotations.get(original.id)).toEqual(fromB);
    expect(await b.annotations.get(original.id)).toEqual(fromB);
    expect((await companionAnnotations()).find((x) => x.id === original.id)).toEqual(fromB);
    // The companion's history holds revision 1 (replaced by B's edit) and A's losing edit: none dropped.
    expect((await companionStats()).history).toBe(2);
    expect(await countPending(a)).toEqual({ pending: 0, rejected: 0 });
  });

  it('waits Retry-After on 429 and refuses answers that are not the protocol, keeping the outbox', async () => {
    const db = openDb();
    let answer: Response = new Response('{}');
    const engine = engineFor(db, async () => answer);
    await db.annotations.put(makeAnnotation());
    answer = new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'slow down' } }), {
      status: 429,
      headers: { 'Retry-After': '7' },
    });
    let state = await pair(engine);
    expect(state).toMatchObject({ failure: { kind: 'rate-limited' }, nextAttemptAt: clock + 7_000 });
    answer = new Response(JSON.stringify({ annotations: [], checkpoint: 'soon' }));
    state = await engine.syncNow();
    expect(state.failure).toMatchObject({ kind: 'invalid-response' });
    answer = new Response('<html>router login</html>', { status: 404 });
    state = await engine.syncNow();
    expect(state.failure).toMatchObject({ kind: 'not-margin' });
    expect((await countPending(db)).pending).toBe(1);
  });

  it('backs off on a 429 from a push mid-run: what was acknowledged stays synced, the rest waits for Retry-After', async () => {
    const db = openDb();
    let pushes = 0;
    // The companion's answer when a token already has its bulk writes in line (middleware/write-fairness.ts).
    const busyFetch: FetchLike = async (input, init) => {
      if (new URL(input).pathname === '/api/v1/sync/push' && ++pushes === 2) {
        const message =
          'This token already has 5 bulk writes running or waiting; send the next once one is answered (retry in 1 s).';
        return new Response(JSON.stringify({ error: { code: 'too_many_writes', message } }), {
          status: 429,
          headers: { 'Retry-After': '3', 'Content-Type': 'application/json' },
        });
      }
      return fetch(input, init);
    };
    const engine = engineFor(db, busyFetch);
    // More than one batch (PUSH_BATCH.records = 200): the second push is refused.
    const saved = many(250);
    await db.annotations.bulkPut(saved);
    let state = await pair(engine);
    expect(state).toMatchObject({ failure: { kind: 'rate-limited' }, attempt: 0, nextAttemptAt: clock + 3_000 });
    expect((await fakeBrowser.alarms.get(SYNC_ALARM))?.scheduledTime).toBe(clock + 3_000);
    expect(await countPending(db)).toEqual({ pending: 50, rejected: 0 });
    expect((await companionAnnotations()).length).toBe(200);
    // A change meanwhile waits for the alarm instead of pushing into the line again.
    await db.annotations.put({ ...(saved[0] as Annotation), comment: 'edited', revision: 2 });
    engine.requestSoon();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pushes).toBe(2);
    clock += 3_000;
    await engine.handleAlarm(SYNC_ALARM);
    state = (await readMeta(db, 'state')) ?? state;
    expect(state).toMatchObject({ failure: null, attempt: 0 });
    expect(await countPending(db)).toEqual({ pending: 0, rejected: 0 });
    const stored = await companionAnnotations();
    expect(stored.length).toBe(250);
    expect(stored.find((annotation) => annotation.id === saved[0]?.id)?.comment).toBe('edited');
  });

  it('re-creates a lost alarm when the background starts, and pushes what waits', async () => {
    const db = openDb();
    const control = controllableFetch();
    const engine = engineFor(db, control.fetch);
    await pair(engine);
    await fakeBrowser.alarms.clearAll();
    await db.transaction('rw', db.annotations, async () => {
      await db.annotations.put(makeAnnotation());
    });
    const restarted = engineFor(db, control.fetch);
    await restarted.start();
    expect((await fakeBrowser.alarms.get(SYNC_ALARM))?.scheduledTime).toBe(clock + 60_000);
    await restarted.syncNow();
    expect((await companionStats()).annotations.live).toBe(1);
  });

  it('does not sync at every wake of the worker: only when something waits or the next run is due', async () => {
    const db = openDb();
    const control = controllableFetch();
    await pair(engineFor(db, control.fetch));
    const before = control.requests.length;
    await engineFor(db, control.fetch).start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(control.requests.length).toBe(before);
    clock += 60_000;
    const woken = engineFor(db, control.fetch);
    await woken.start();
    await waitFor(() => control.requests.length > before);
    // Let the run it started finish before the database is closed under it.
    await woken.syncNow();
  });

  it('says why a pairing is refused', async () => {
    const engine = engineFor(openDb(), controllableFetch().fetch);
    expect(await engine.configure({ url: 'ftp://127.0.0.1', token: 't', intervalSeconds: 60 })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Companion URL: must start with http:\/\/ \(this machine\) or https:\/\//),
    });
    // Another machine only over https: the token and every annotation cross the network.
    expect(await engine.configure({ url: 'http://margin.example.org', token: 't', intervalSeconds: 60 })).toMatchObject(
      {
        ok: false,
        error: expect.stringMatching(
          /^Companion URL: a server on another machine must use https:\/\/ \(https:\/\/margin\.example\.org\)/,
        ),
      },
    );
    expect(
      await engine.configure({ url: 'https://margin.example.org/team', token: 't', intervalSeconds: 60 }),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/only scheme, host and port \(e\.g\. https:\/\/margin\.example\.org\)/),
    });
    expect(await engine.configure({ url: 'http://127.0.0.1:8787', token: ' ', intervalSeconds: 60 })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Token:/),
    });
    expect(await engine.configure({ url: 'http://127.0.0.1:8787', token: 't', intervalSeconds: 0 })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Sync interval:/),
    });
    expect(
      await engine.configure({ url: 'http://127.0.0.1:8787', token: 't', intervalSeconds: 60, extra: 1 }),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Companion settings: .*extra/),
    });
    expect(await engine.configure('http://127.0.0.1:8787')).toMatchObject({ ok: false });
    expect(await readMeta(dbs[0] as AppDB, 'companion')).toBeUndefined();
  });
});

describe('sync messages', () => {
  const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/';
  it.each([
    ['the options page', { id: 'abcdefghijklmnopabcdefghijklmnop', url: `${origin}options.html` }, true],
    ['the popup', { id: 'abcdefghijklmnopabcdefghijklmnop', url: `${origin}popup.html` }, true],
    [
      'a content script on a chat page',
      {
        id: 'abcdefghijklmnopabcdefghijklmnop',
        url: 'https://chatgpt.com/c/1',
        tab: { url: 'https://chatgpt.com/c/1' },
      },
      false,
    ],
    ['another extension', { id: 'ponmlkjihgfedcbaponmlkjihgfedcba', url: `${origin}options.html` }, false],
  ])('from %s are accepted: %s', (_who, sender, expected) => {
    expect(isExtensionPage(sender, 'abcdefghijklmnopabcdefghijklmnop', origin)).toBe(expected);
  });
});

describe('Test connection', () => {
  let other: Server | undefined;
  afterEach(() => other?.close());

  async function otherServer(status: number, body: string): Promise<string> {
    other = createServer((_req, res) => res.writeHead(status, { 'content-type': 'text/html' }).end(body));
    await new Promise<void>((resolve) => other?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  }

  it('reports ok with the companion version and counts', async () => {
    const result = await testConnection(`http://127.0.0.1:${server.port}`, server.token);
    expect(result).toMatchObject({ ok: true, version: expect.any(String), stats: { annotations: { live: 0 } } });
  });

  it('reports a rejected token', async () => {
    expect(await testConnection(`http://127.0.0.1:${server.port}`, 'wrong')).toMatchObject({
      ok: false,
      kind: 'token-rejected',
    });
  });

  it('reports an unreachable companion', async () => {
    const url = await otherServer(200, '');
    other?.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await testConnection(url, server.token)).toMatchObject({ ok: false, kind: 'unreachable' });
  });

  it.each([
    [200, '<html>hello</html>'],
    [404, 'Not Found'],
    [200, '{"ok":true}'],
  ])('reports something that is not a Margin companion (HTTP %s)', async (status, body) => {
    const url = await otherServer(status, body);
    expect(await testConnection(url, server.token)).toMatchObject({ ok: false, kind: 'not-margin' });
  });

  it('refuses a URL that is not a companion on this machine', async () => {
    expect(await testConnection('http://192.168.1.9:8787', 't')).toMatchObject({ ok: false, kind: 'invalid-url' });
    expect(await testConnection('127.0.0.1:8787', 't')).toMatchObject({ ok: false, kind: 'invalid-url' });
  });
});
