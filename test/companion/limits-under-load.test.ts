import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Review } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { type PushFlood, startPushFlood } from '../support/push-flood.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { call, reviewRequest } from './reviews-helpers.ts';
import type { RawResponse } from './support/raw-http.ts';
import { addUser } from './support/route-samples.ts';
import { pushBody, startTestServer, type TestServer } from './support/test-server.ts';

/** The flooder's connections, each sending its next push the moment the last is answered. */
const FLOOD_CONNECTIONS = 24;
const FLOOD_BATCH = 100;
/** What the other users do during the flood. */
const OTHER_PUSHES = 6;
const OTHER_READS = 10;

/** The dashboard's list and a pull, OTHER_READS of each one at a time; the slowest of each, in ms. */
async function timedReads(server: TestServer, token: string, keep: (response: RawResponse) => void) {
  const slowest = { list: 0, pull: 0 };
  for (let i = 0; i < OTHER_READS; i++) {
    for (const kind of ['list', 'pull'] as const) {
      const start = performance.now();
      const response =
        kind === 'list'
          ? await call(server, 'GET', '/api/v1/annotations?limit=50')
          : await server.send({ path: `/api/v1/sync/pull?since=${i * 10}&limit=100`, token });
      slowest[kind] = Math.max(slowest[kind], Math.round(performance.now() - start));
      keep(response);
    }
  }
  return slowest;
}

/** Waits until `check` holds, looking again every 10 ms (no fixed sleep). */
async function until(check: () => boolean, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(STORE_KINDS)('limits under load: one token flooding pushes (%s)', (kind) => {
  let server: TestServer;
  let flooder: { name: string; token: string };
  let alice: { name: string; token: string };

  beforeAll(async () => {
    // The per-token request rate is its own limit (boundary.test.ts); raised here so what is tested
    // is the fair line for bulk writes.
    server = await startTestServer({ store: kind, app: { rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } } });
    flooder = await addUser(server, 'annotator', 'flooder');
    alice = await addUser(server, 'annotator', 'alice');
  }, 60_000);
  afterAll(() => server?.close());

  it('serves every other user and wakes a review waiter during the flood; the flooder is queued or told to retry; nothing acknowledged is lost', async () => {
    const { review } = (
      await call(server, 'POST', '/api/v1/reviews', reviewRequest({ key: `load-${kind}` }))
    ).json() as {
      review: Review;
    };
    const waiting = call(server, 'GET', `/api/v1/reviews/${review.id}?wait=60`);
    // The same reads before the flood: the figures printed beside those under it (not asserted).
    const quietMs = await timedReads(server, alice.token, () => undefined);

    const flood: PushFlood = startPushFlood({
      port: server.port,
      token: flooder.token,
      annotator: 'flooder',
      connections: FLOOD_CONNECTIONS,
      batch: FLOOD_BATCH,
      responseChars: 400,
    });
    const acknowledged = () => flood.progress.acknowledged;
    let summary: Awaited<ReturnType<PushFlood['stop']>> | undefined;
    try {
      // The line is full before anyone else comes.
      await until(
        () => acknowledged() >= 3 && (flood.progress.refused.too_many_writes ?? 0) > 0,
        'the flood to fill its line',
      );

      // Alice pushes while the flood goes on: every push answered 200, never refused, and few of the
      // flooder's pushes are committed between two of hers (its line is round robin, not first come).
      const alicePushes: RawResponse[] = [];
      for (let i = 0; i < OTHER_PUSHES; i++) {
        const annotations = Array.from({ length: 20 }, () =>
          makeAnnotation({ conversationId: 'alice', annotator: 'alice' }),
        );
        alicePushes.push(await server.push(pushBody(annotations, 'alice-device'), alice.token));
      }
      expect(alicePushes.map((response) => response.status)).toEqual(Array(OTHER_PUSHES).fill(200));
      for (const response of alicePushes) {
        const results = (response.json() as { annotations: Array<{ status: string }> }).annotations;
        expect(
          results.map((result) => result.status),
          response.text.slice(0, 600),
        ).toEqual(Array(20).fill('accepted'));
      }
      const seqs = alicePushes.map((response) =>
        (response.json() as { annotations: Array<{ seq: number }> }).annotations.map((result) => result.seq),
      );
      // Flood pushes committed between two of alice's, from the sequence numbers the store handed out.
      // First come, first served, every one of the flood's 24 connections would go before her next push;
      // in turns, a few do (one per turn of the event loop her request needs to arrive: 4 here on
      // SQLite, 1-2 on PostgreSQL, where two turns run at once).
      const between = seqs
        .slice(1)
        .map((mine, i) => (Math.min(...mine) - Math.max(...(seqs[i] as number[])) - 1) / FLOOD_BATCH);
      expect(Math.max(...between)).toBeLessThanOrEqual(FLOOD_CONNECTIONS / 2 - 2);

      // The dashboard and pulls of another user: all answered, none refused.
      const reads: RawResponse[] = [];
      const floodMs = await timedReads(server, alice.token, (response) => reads.push(response));
      expect(reads.map((response) => response.status)).toEqual(Array(2 * OTHER_READS).fill(200));
      console.info(
        `${kind}: another user's reads, slowest of ${OTHER_READS} (about their p95), quiet → under the flood: ` +
          `dashboard list ${quietMs.list} → ${floodMs.list} ms, pull ${quietMs.pull} → ${floodMs.pull} ms`,
      );

      // A decision during the flood wakes the waiter.
      const decision = await call(server, 'POST', `/api/v1/reviews/${review.id}/decision`, {
        decision: 'approve',
        reviewer: 'owner',
        input: { title: 'Dr', first_name: 'Ada', last_name: 'Lovelace' },
      });
      expect(decision.status).toBe(200);
      const woken = await waiting;
      expect(woken.status).toBe(200);
      expect((woken.json() as Review).status).toBe('approved');
      // Still flooding the whole time: everything above happened under load.
      const during = acknowledged();
      await until(() => acknowledged() > during, 'the flood to go on');
    } finally {
      summary = await flood.stop();
    }

    expect(summary.other).toEqual([]);
    // Refused with a clear error and a Retry-After, never an error of another kind.
    expect(Object.keys(summary.refused)).toEqual(['too_many_writes']);
    expect(summary.retryAfter).toEqual(['1']);
    expect(summary.refusalBody).toEqual({
      error: {
        code: 'too_many_writes',
        message: expect.stringContaining(
          'send the next once one is answered (retry in 1 s). Nothing of this request was stored.',
        ),
      },
    });
    // Everything acknowledged is stored, and nothing refused is: alice's, the flood's and the review's.
    const stored = await server.countRows('annotations');
    expect(stored).toBe(summary.acknowledgedRecords + OTHER_PUSHES * 20 + 1);
  }, 240_000);
});
