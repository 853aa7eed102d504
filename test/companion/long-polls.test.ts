import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Review } from '../../shared/index.ts';
import { type MeasuredServer, type ServerMemory, startMeasuredServer } from '../support/measured-server.ts';
import { createDatabase, STORE_KINDS, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { reviewRequest } from './reviews-helpers.ts';
import { type RawResponse, rawRequest } from './support/raw-http.ts';

const WAITERS = 1_000;
/** Reviews decided during the test, each with two waiters; the other half wait on reviews nobody decides. */
const DECIDED = 250;
const UNDECIDED = 50;
/** Seconds the undecided half waits before its long polls answer with the review still pending. */
const TIMEOUT_WAIT = 30;
/** Generous: a held long poll is a socket, a request and a listener, some kilobytes. */
const MAX_BYTES_PER_WAITER = 50 * 1024;

async function until(check: () => Promise<boolean>, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(STORE_KINDS)('1,000 open review long polls (%s)', (kind) => {
  let database: TestDatabase;
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let server: MeasuredServer;
  const send = (method: string, path: string, body?: unknown): Promise<RawResponse> =>
    rawRequest(server.port, {
      method,
      path,
      headers: {
        host: `127.0.0.1:${server.port}`,
        authorization: `Bearer ${server.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const create = async (key: string): Promise<Review> => {
    const response = await send('POST', '/api/v1/reviews', reviewRequest({ key, timeout: null }));
    expect(response.status).toBe(201);
    return (response.json() as { review: Review }).review;
  };

  beforeAll(async () => {
    dir = await makeTempDir('long-polls');
    database = await createDatabase(kind, 'long_polls');
    server = await startMeasuredServer({ dataDir: dir.path, database: database.target });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await database?.remove();
    await dir?.remove();
  });

  it('holds them all, releases them by decisions and timeouts, with bounded memory and nothing left behind', async () => {
    const decided: Review[] = [];
    for (let i = 0; i < DECIDED; i++) decided.push(await create(`decided-${i}`));
    const undecided: Review[] = [];
    for (let i = 0; i < UNDECIDED; i++) undecided.push(await create(`undecided-${i}`));

    // Warm up the paths a long poll takes (so compiled code and pools are not counted as waiters).
    const warm = await Promise.all(
      undecided.slice(0, 20).map((review) => send('GET', `/api/v1/reviews/${review.id}?wait=1`)),
    );
    expect(warm.map((response) => response.status)).toEqual(Array(20).fill(200));
    const baseline: ServerMemory = await server.memory();
    expect(baseline.waiters).toBe(0);

    const decidedPolls = decided.flatMap((review) =>
      [0, 1].map(() => send('GET', `/api/v1/reviews/${review.id}?wait=60`)),
    );
    const timedPolls = Array.from({ length: WAITERS - decidedPolls.length }, (_, i) => {
      const review = undecided[i % UNDECIDED] as Review;
      return send('GET', `/api/v1/reviews/${review.id}?wait=${TIMEOUT_WAIT}`);
    });
    let held: ServerMemory | undefined;
    await until(async () => {
      held = await server.memory();
      return held.waiters === WAITERS;
    }, `${WAITERS} long polls to be held`);
    const heldMemory = held as ServerMemory;

    const perWaiter = (heldMemory.heapUsed - baseline.heapUsed) / WAITERS;
    console.info(
      `${kind}: ${WAITERS} long polls held; heap +${Math.round(perWaiter)} B per waiter, ` +
        `RSS +${Math.round((heldMemory.rss - baseline.rss) / WAITERS)} B per waiter, fds ${baseline.fds} → ${heldMemory.fds}`,
    );
    expect(perWaiter).toBeLessThan(MAX_BYTES_PER_WAITER);
    expect((heldMemory.rss - baseline.rss) / WAITERS).toBeLessThan(2 * MAX_BYTES_PER_WAITER);
    // Each one is an open socket the server holds.
    expect(heldMemory.fds - baseline.fds).toBeGreaterThanOrEqual(WAITERS);

    // Decisions release their waiters with the decided review.
    for (const review of decided) {
      const response = await send('POST', `/api/v1/reviews/${review.id}/decision`, {
        decision: 'approve',
        reviewer: 'owner',
        input: { title: 'Dr', first_name: 'Ada', last_name: 'Lovelace' },
      });
      expect(response.status).toBe(200);
    }
    const decidedAnswers = await Promise.all(decidedPolls);
    expect(decidedAnswers.map((response) => response.status)).toEqual(Array(decidedPolls.length).fill(200));
    expect(new Set(decidedAnswers.map((response) => (response.json() as Review).status))).toEqual(
      new Set(['approved']),
    );

    // The others answer when their wait runs out, with the review still pending.
    const timedAnswers = await Promise.all(timedPolls);
    expect(timedAnswers.map((response) => response.status)).toEqual(Array(timedPolls.length).fill(200));
    expect(new Set(timedAnswers.map((response) => (response.json() as Review).status))).toEqual(new Set(['pending']));

    // Nothing left behind: no waiter, no listener warning, sockets closed, memory back near the baseline.
    let after: ServerMemory | undefined;
    await until(async () => {
      after = await server.memory();
      return after.waiters === 0 && after.fds <= baseline.fds + 5;
    }, 'the long polls’ sockets to close');
    const afterMemory = after as ServerMemory;
    expect(afterMemory.warnings).toEqual([]);
    expect(afterMemory.heapUsed - baseline.heapUsed).toBeLessThan(
      (heldMemory.heapUsed - baseline.heapUsed) / 2 + 1024 * 1024,
    );
  }, 300_000);
});
