/**
 * `npm run bench:limits`: what other people's requests cost while one client floods the companion with
 * pushes, and the memory 1,000 open review long polls take (docs/benchmarks.md, "Limits under load";
 * docs/reliability.md, "Limits under load"). On SQLite and on PostgreSQL, each in a companion process
 * of its own (startServer, with the per-token request rate out of the way so the line for bulk writes
 * is what is measured):
 *
 * - Other users' requests, BENCH_LIMITS_SAMPLES (default 100) of each, one at a time: the dashboard's
 *   list (GET /api/v1/annotations, 50 rows), a pull (200 changes), another user's push (20 records)
 *   and a review decision until its long-polling waiter has the answer. p50/p95/p99 in ms, quiet
 *   (the anchor, same run) and while one token pushes batches of 200 from 24 connections as fast as it
 *   can (in a process of its own), with the ratio flood/quiet; then the same flood with the fair line
 *   switched off (every push let through at once), to show what the line buys (a tenth of the samples:
 *   each one waits behind the whole flood).
 * - 1,000 long polls held at once: heap (after a full GC) and RSS per waiter against the same process
 *   before, and the heap once they are answered.
 *
 * A throwaway PostgreSQL cluster is started for the run and removed after. Results: bench/results/limits.json.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { DatabaseTarget } from '../companion/src/storage/open-database.ts';
import type { Review } from '../shared/index.ts';
import { rawRequest } from '../test/companion/support/raw-http.ts';
import { makeAnnotation } from '../test/support/annotation-factory.ts';
import { type MeasuredServer, startMeasuredServer } from '../test/support/measured-server.ts';
import { repoRoot } from '../test/support/paths.ts';
import { ensureCluster, stopCluster } from '../test/support/postgres-cluster.ts';
import { type FloodSummary, startPushFlood } from '../test/support/push-flood.ts';
import { makeTempDir } from '../test/support/temp-dir.ts';
import { percentile } from './support/bench-helpers.ts';

const SAMPLES = Number(process.env.BENCH_LIMITS_SAMPLES ?? 100);
const WAITERS = Number(process.env.BENCH_LIMITS_WAITERS ?? 1_000);
const FLOOD = { connections: 24, batch: 200, responseChars: 1_000 };
const SEED_RECORDS = 2_000;
const NO_LINE = { concurrency: 1_000_000, perKey: 1_000_000, maxWaiting: 0 };
const NO_LINE_SAMPLES = Math.max(3, Math.round(SAMPLES / 10));
const KINDS = ['list', 'pull', 'push', 'decisionToWake'] as const;
type Kind = (typeof KINDS)[number];

interface Latency {
  p50: number;
  p95: number;
  p99: number;
}
type Phase = Record<Kind, Latency>;
/** Tokens and names of the flooding user and of the user whose requests are timed. */
interface Users {
  flooder: string;
  flooderName: string;
  alice: string;
  aliceName: string;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function summarize(values: number[]): Latency {
  return { p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), p99: round(percentile(values, 99)) };
}

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await work();
  return [performance.now() - start, result];
}

function client(server: MeasuredServer) {
  return (method: string, path: string, token: string, body?: unknown) =>
    rawRequest(server.port, {
      method,
      path,
      headers: {
        host: `127.0.0.1:${server.port}`,
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}

const REVIEW = {
  title: 'Approve the generated customer',
  messages: [{ role: 'user', content: 'Invent a customer name.' }],
  output: 'Ada Lovelace',
  form: { type: 'object', properties: { ok: { type: 'boolean' } } },
  timeout: null,
};

/** One sample of each kind of request another user makes, `SAMPLES` times, one request at a time. */
async function otherUsers(server: MeasuredServer, users: Users, label: string, count = SAMPLES): Promise<Phase> {
  const alice = users.alice;
  const send = client(server);
  const samples: Record<Kind, number[]> = { list: [], pull: [], push: [], decisionToWake: [] };
  const expectOk = (status: number, what: string) => {
    if (status !== 200 && status !== 201) throw new Error(`${label}: ${what} answered ${status}`);
  };
  for (let i = 0; i < count; i++) {
    const [list, listed] = await timed(() => send('GET', '/api/v1/annotations?limit=50', server.token));
    expectOk(listed.status, 'the dashboard list');
    samples.list.push(list);
    const [pull, pulled] = await timed(() =>
      send('GET', `/api/v1/sync/pull?since=${(i * 37) % SEED_RECORDS}&limit=200`, alice),
    );
    expectOk(pulled.status, 'a pull');
    samples.pull.push(pull);
    const annotations = Array.from({ length: 20 }, () =>
      makeAnnotation({ conversationId: 'alice', annotator: users.aliceName }),
    );
    const [push, pushed] = await timed(() =>
      send('POST', '/api/v1/sync/push', alice, { deviceId: 'alice', annotations, comparisons: [] }),
    );
    expectOk(pushed.status, 'alice’s push');
    samples.push.push(push);
    const created = await send('POST', '/api/v1/reviews', server.token, { ...REVIEW, key: `${label}-${i}` });
    expectOk(created.status, 'creating a review');
    const review = (created.json() as { review: Review }).review;
    const waiting = send('GET', `/api/v1/reviews/${review.id}?wait=60`, server.token);
    // The waiter is held before the decision is sent (the service counts it).
    while ((await server.memory()).waiters < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const [wake, woken] = await timed(async () => {
      await send('POST', `/api/v1/reviews/${review.id}/decision`, server.token, {
        decision: 'approve',
        reviewer: 'owner',
      });
      return waiting;
    });
    expectOk(woken.status, 'the woken waiter');
    if ((woken.json() as Review).status !== 'approved')
      throw new Error(`${label}: the waiter was not woken by the decision`);
    samples.decisionToWake.push(wake);
  }
  return Object.fromEntries(KINDS.map((kind) => [kind, summarize(samples[kind])])) as Phase;
}

async function underFlood(server: MeasuredServer, users: Users, label: string, samples = SAMPLES) {
  const flood = startPushFlood({ port: server.port, token: users.flooder, annotator: users.flooderName, ...FLOOD });
  // The flood is under way (its first pushes answered) before anything is measured.
  while (flood.progress.acknowledged < 2) await new Promise((resolve) => setTimeout(resolve, 20));
  const started = performance.now();
  const before = flood.progress.acknowledgedRecords;
  const phase = await otherUsers(server, users, label, samples);
  const seconds = (performance.now() - started) / 1000;
  const during = flood.progress.acknowledgedRecords - before;
  const summary: FloodSummary = await flood.stop();
  if (summary.other.length > 0) throw new Error(`${label}: the flood got ${summary.other[0]}`);
  return {
    phase,
    flood: {
      recordsPerSecond: Math.round(during / seconds),
      acknowledgedPushes: summary.acknowledged,
      refused: summary.refused,
    },
  };
}

async function addUser(server: MeasuredServer, name: string): Promise<string> {
  const response = await client(server)('POST', '/api/v1/users', server.token, { name, role: 'annotator' });
  if (response.status !== 201) throw new Error(`adding ${name}: ${response.status} ${response.text}`);
  return (response.json() as { token: string }).token;
}

async function longPolls(server: MeasuredServer) {
  const send = client(server);
  const reviews: Review[] = [];
  for (let i = 0; i < WAITERS / 4; i++) {
    const created = await send('POST', '/api/v1/reviews', server.token, { ...REVIEW, key: `poll-${i}` });
    reviews.push((created.json() as { review: Review }).review);
  }
  const baseline = await server.memory();
  const polls = reviews.flatMap((review) =>
    [0, 1, 2, 3].map(() => send('GET', `/api/v1/reviews/${review.id}?wait=60`, server.token)),
  );
  let held = await server.memory();
  while (held.waiters < WAITERS) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    held = await server.memory();
  }
  for (const review of reviews) {
    await send('POST', `/api/v1/reviews/${review.id}/decision`, server.token, {
      decision: 'approve',
      reviewer: 'owner',
    });
  }
  await Promise.all(polls);
  let after = await server.memory();
  while (after.waiters > 0 || after.fds > baseline.fds + 5) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    after = await server.memory();
  }
  return {
    waiters: WAITERS,
    heapBytesPerWaiter: Math.round((held.heapUsed - baseline.heapUsed) / WAITERS),
    rssBytesPerWaiter: Math.round((held.rss - baseline.rss) / WAITERS),
    heapMbBefore: round(baseline.heapUsed / 2 ** 20),
    heapMbHeld: round(held.heapUsed / 2 ** 20),
    heapMbAfter: round(after.heapUsed / 2 ** 20),
    rssMbHeld: round(held.rss / 2 ** 20),
    openFilesHeld: held.fds,
    openFilesAfter: after.fds,
    warnings: after.warnings,
  };
}

const ratio = (flood: Phase, quiet: Phase) =>
  Object.fromEntries(KINDS.map((kind) => [kind, round(flood[kind].p95 / quiet[kind].p95, 2)]));

/** Both runs on one store (with the fair line, then without), each on a database of its own. */
async function oneStore(
  label: 'sqlite' | 'postgres',
  databaseFor: (line: 'fair' | 'none', dataDir: string) => DatabaseTarget,
  scratch: string,
) {
  const figures: Record<string, unknown> = {};
  for (const line of ['fair', 'none'] as const) {
    const dataDir = mkdtempSync(join(scratch, `${label}-${line}-`));
    const target = databaseFor(line, dataDir);
    const server = await startMeasuredServer({
      dataDir,
      database: target,
      ...(line === 'none' ? { writeFairness: NO_LINE } : {}),
    });
    try {
      const users: Users = {
        flooder: await addUser(server, `flooder-${line}`),
        flooderName: `flooder-${line}`,
        alice: await addUser(server, `alice-${line}`),
        aliceName: `alice-${line}`,
      };
      const seed = Array.from({ length: SEED_RECORDS }, () => makeAnnotation({ annotator: `alice-${line}` }));
      for (let i = 0; i < seed.length; i += 500) {
        await client(server)('POST', '/api/v1/sync/push', users.alice, {
          deviceId: 'seed',
          annotations: seed.slice(i, i + 500),
          comparisons: [],
        });
      }
      if (line === 'fair') {
        const quiet = await otherUsers(server, users, `${label}-quiet`);
        const flooded = await underFlood(server, users, `${label}-flood`);
        console.log(`${label} quiet`, JSON.stringify(quiet));
        console.log(`${label} flood`, JSON.stringify(flooded));
        figures.quiet = quiet;
        figures.flood = flooded.phase;
        figures.floodToQuietP95 = ratio(flooded.phase, quiet);
        figures.flooder = flooded.flood;
        figures.longPolls = await longPolls(server);
        console.log(`${label} long polls`, JSON.stringify(figures.longPolls));
      } else {
        // Fewer samples: without the line each one waits behind the whole flood.
        const flooded = await underFlood(server, users, `${label}-noline`, NO_LINE_SAMPLES);
        console.log(`${label} flood without the line`, JSON.stringify(flooded));
        figures.floodWithoutLine = flooded.phase;
        figures.withoutLineToQuietP95 = ratio(flooded.phase, figures.quiet as Phase);
        figures.flooderWithoutLine = flooded.flood;
      }
    } finally {
      await server.stop();
    }
  }
  return figures;
}

async function main() {
  const base = mkdtempSync(join(tmpdir(), 'margin-limits-'));
  const scratch = await makeTempDir('bench-limits');
  const loadBefore = loadavg().map((value) => round(value, 2));
  console.log(`${SAMPLES} samples of each request; ${WAITERS} long polls; load ${loadBefore.join(' ')}`);
  try {
    const cluster = await ensureCluster(base, process.pid);
    const results: Record<string, unknown> = {};
    // Written after each store, so a run cut short still leaves what it measured.
    const save = () => {
      const output = {
        date: new Date().toISOString(),
        machine: {
          cpus: availableParallelism(),
          loadAverageBefore: loadBefore,
          loadAverageAfter: loadavg().map((value) => round(value, 2)),
        },
        samples: SAMPLES,
        samplesWithoutLine: NO_LINE_SAMPLES,
        flood: FLOOD,
        ...results,
      };
      const dir = join(repoRoot, 'bench', 'results');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'limits.json'), `${JSON.stringify(output, null, 2)}\n`);
      console.log(`load average ${output.machine.loadAverageAfter.join(' ')} on ${output.machine.cpus} cores`);
    };
    results.sqlite = await oneStore(
      'sqlite',
      (_line, dataDir) => ({ kind: 'sqlite', path: join(dataDir, 'margin.sqlite') }),
      scratch.path,
    );
    save();
    const admin = postgres(cluster.url('postgres'), { max: 1, onnotice: false });
    await admin.unsafe('CREATE DATABASE limits_fair');
    await admin.unsafe('CREATE DATABASE limits_none');
    await admin.end();
    results.postgres = await oneStore(
      'postgres',
      (line) => ({ kind: 'postgres', url: cluster.url(`limits_${line}`) }),
      scratch.path,
    );
    save();
    console.log('written to bench/results/limits.json');
  } finally {
    await stopCluster(base);
    await scratch.remove();
  }
}

await main();
