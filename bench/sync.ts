/**
 * `npm run bench:sync`: pushes 100,000 realistic annotations (1–4 KB, multi-turn context) through a
 * real companion process over HTTP, and compares the rate with raw better-sqlite3 inserts of the same
 * rows in one transaction on the same machine in the same run (the physical anchor). Also measures
 * the companion's cold start and idle memory. Results: bench/results/sync.json.
 *
 * BENCH_STORE=postgres: the companion stores in a throwaway PostgreSQL cluster (test/support/
 * postgres-cluster.ts), and the anchor is the same rows written with `COPY … FROM STDIN` through
 * postgres.js (the store's client) into a database of the same cluster, in the same run. Results:
 * bench/results/sync-postgres.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import type { Annotation } from '../shared/index.ts';
import { startCompanion } from '../test/support/companion.ts';
import { repoRoot } from '../test/support/paths.ts';
import { ensureCluster, stopCluster } from '../test/support/postgres-cluster.ts';
import { makeTempDir } from '../test/support/temp-dir.ts';
import { postgresAnchor } from './support/bench-helpers.ts';
import { makeAnnotations } from './support/realistic-annotations.ts';

const TOTAL = Number(process.env.BENCH_SYNC_TOTAL ?? 100_000);
const BATCH = 1_000;
const CONCURRENCY = 2;
const STORE = process.env.BENCH_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** Where the companion stores, and the anchor for that store; `stop` removes whatever was started. */
async function openTarget(annotations: Annotation[]) {
  if (STORE === 'sqlite') {
    const scratch = await makeTempDir('bench-raw');
    const anchorMs = rawInsert(join(scratch.path, 'raw.sqlite'), annotations);
    return {
      database: undefined,
      anchorMs,
      anchorName: 'raw better-sqlite3, one transaction',
      stop: () => scratch.remove(),
    };
  }
  const base = mkdtempSync(join(tmpdir(), 'margin-bench-sync-'));
  const stop = () => stopCluster(base).finally(() => rmSync(base, { recursive: true, force: true }));
  try {
    const cluster = await ensureCluster(base, process.pid);
    const admin = postgres(cluster.url('postgres'), { max: 1, onnotice: false });
    await admin.unsafe('CREATE DATABASE bench');
    await admin.unsafe('CREATE DATABASE anchor');
    await admin.end();
    const anchorMs = await postgresAnchor(cluster.url('anchor'), annotations);
    return { database: cluster.url('bench'), anchorMs, anchorName: 'raw COPY through postgres.js', stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

async function pushAll(url: string, token: string, annotations: Annotation[]): Promise<number> {
  let nextBatch = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const start = nextBatch * BATCH;
      nextBatch += 1;
      if (start >= annotations.length) return;
      const body = JSON.stringify({ deviceId: 'bench', annotations: annotations.slice(start, start + BATCH) });
      const response = await fetch(`${url}/api/v1/sync/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      const result = (await response.json()) as { annotations: Array<{ status: string }> };
      if (response.status !== 200 || result.annotations.some((item) => item.status !== 'accepted')) {
        throw new Error(`push failed: ${response.status} ${JSON.stringify(result).slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - started;
}

/** The anchor: the same rows (bodies already serialized) in one transaction, same pragmas, no HTTP or validation. */
function rawInsert(path: string, annotations: Annotation[]): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE annotations (id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, key TEXT NOT NULL,
    site TEXT NOT NULL, conversation_id TEXT NOT NULL, annotator TEXT NOT NULL, revision INTEGER NOT NULL,
    updated_at TEXT NOT NULL, body TEXT NOT NULL) STRICT`);
  const rows = annotations.map((annotation, index) => ({
    id: annotation.id,
    seq: index + 1,
    key: annotation.key,
    site: annotation.site,
    conversationId: annotation.conversationId,
    annotator: annotation.annotator,
    revision: annotation.revision,
    updatedAt: annotation.updatedAt,
    body: JSON.stringify(annotation),
  }));
  const insert = db.prepare(
    `INSERT INTO annotations VALUES (@id, @seq, @key, @site, @conversationId, @annotator, @revision, @updatedAt, @body)`,
  );
  const started = performance.now();
  db.transaction(() => {
    for (const row of rows) insert.run(row);
  })();
  const elapsed = performance.now() - started;
  db.close();
  return elapsed;
}

async function main() {
  const annotations = makeAnnotations(TOTAL);
  const averageBytes = annotations.reduce((sum, a) => sum + JSON.stringify(a).length, 0) / annotations.length;
  console.log(`${TOTAL} annotations, ${averageBytes.toFixed(0)} bytes on average, batches of ${BATCH}`);

  // The anchor runs first, on a quiet machine: after the push the companion keeps indexing the new rows
  // for the dashboard in the background, which would slow the anchor and flatter the ratio.
  const target = await openTarget(annotations);
  const rawMs = target.anchorMs;
  const rawPerSecond = TOTAL / (rawMs / 1000);

  const spawnStarted = performance.now();
  const companion = await startCompanion(target.database === undefined ? {} : { database: target.database });
  const coldStartMs = performance.now() - spawnStarted;
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idleRssMiB = rssMiB(companion.pid as number);

    const pushMs = await pushAll(companion.url, companion.token, annotations);
    const perSecond = TOTAL / (pushMs / 1000);
    const stats = (await (
      await fetch(`${companion.url}/api/v1/stats`, { headers: { authorization: `Bearer ${companion.token}` } })
    ).json()) as { annotations: { live: number } };
    if (stats.annotations.live !== TOTAL) throw new Error(`expected ${TOTAL} stored, found ${stats.annotations.live}`);
    const afterRssMiB = rssMiB(companion.pid as number);

    const ratio = perSecond / rawPerSecond;

    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        model: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        // Other work on the machine skews both figures; the ratio, measured in the same run, less so.
        loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
      },
      store: STORE,
      annotations: TOTAL,
      averageBytes: Math.round(averageBytes),
      batch: BATCH,
      concurrency: CONCURRENCY,
      endToEnd: { seconds: pushMs / 1000, perSecond: Math.round(perSecond), target: 20_000 },
      rawInsert: { anchor: target.anchorName, seconds: rawMs / 1000, perSecond: Math.round(rawPerSecond) },
      ratioToRaw: { value: Number(ratio.toFixed(3)), target: 0.5 },
      companion: {
        coldStartMs: Math.round(coldStartMs),
        idleRssMiB: Number(idleRssMiB.toFixed(1)),
        rssAfterPushMiB: Number(afterRssMiB.toFixed(1)),
      },
    };
    console.log(
      `end to end (HTTP, validation, conflict rule, fsync per batch): ${results.endToEnd.perSecond} annotations/s (target ≥ 20,000)`,
    );
    console.log(`${`${target.anchorName}:`.padEnd(63)}${results.rawInsert.perSecond} rows/s`);
    console.log(`ratio to raw: ${results.ratioToRaw.value} (target ≥ 0.5)`);
    console.log(`load average (1 min) at the end: ${results.machine.loadAverage1m} on ${results.machine.cpus} cores`);
    console.log(`companion cold start (spawn → listening): ${results.companion.coldStartMs} ms`);
    console.log(
      `companion idle RSS: ${results.companion.idleRssMiB} MiB; after the push: ${results.companion.rssAfterPushMiB} MiB`,
    );
    const dir = join(repoRoot, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = STORE === 'sqlite' ? 'sync.json' : 'sync-postgres.json';
    writeFileSync(join(dir, file), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`written to bench/results/${file}`);
  } finally {
    await companion.dispose();
    await target.stop();
  }
}

await main();
