/**
 * `npm run bench:postgres`: the same work on PostgreSQL and on SQLite, each beside a raw anchor measured
 * in the same run.
 *
 * - Sync ingest: BENCH_PG_TOTAL (default 50,000) realistic annotations (1–4 KB) pushed over HTTP to a
 *   real companion process by PUSHERS concurrent clients in batches of BATCH: annotations/s end to end
 *   and p95 push latency. Anchor: the same rows written raw through the same driver (PostgreSQL: `COPY`
 *   through postgres.js; SQLite: prepared inserts in one transaction with better-sqlite3).
 * - Export: the real `margin export --format raw` CLI over what was pushed: annotations/s and peak RSS
 *   (GNU time), and the check that both stores wrote the same bytes. Anchor: the same rows' bodies
 *   dumped by the database's own client (`psql \copy … to stdout`, `sqlite3 -json`).
 *
 * A throwaway PostgreSQL cluster is started for the run (test/support/postgres-cluster.ts) and removed
 * after. Results: bench/results/postgres.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { Annotation } from '../shared/index.ts';
import { startCompanion } from '../test/support/companion.ts';
import { repoRoot } from '../test/support/paths.ts';
import { ensureCluster, postgresBinDir, stopCluster } from '../test/support/postgres-cluster.ts';
import { makeTempDir } from '../test/support/temp-dir.ts';
import { measure, postgresAnchor, pushAll, sqliteAnchor } from './support/bench-helpers.ts';
import { makeAnnotations } from './support/realistic-annotations.ts';

const TOTAL = Number(process.env.BENCH_PG_TOTAL ?? 50_000);
const BATCH = 500;
const PUSHERS = 4;
const EXPORT_QUERY = 'SELECT body FROM annotations WHERE deleted_at IS NULL ORDER BY site, conversation_id, seq';

type Kind = 'sqlite' | 'postgres';

interface Ingest {
  seconds: number;
  perSecond: number;
  p95PushMs: number;
  anchorPerSecond: number;
  ratioToAnchor: number;
}

interface ExportFigures {
  seconds: number;
  perSecond: number;
  peakRssMb: number;
  sha256: string;
  anchorSeconds: number;
  ratioToAnchor: number;
}

async function exportFigures(kind: Kind, database: string, anchor: [string, string[]]): Promise<ExportFigures> {
  const anchorRun = await measure(...anchor);
  const margin = join(repoRoot, 'bin', 'margin.js');
  // The lines go to stdout (hashed, to compare the stores), the summary to stderr.
  const run = await measure(process.execPath, [
    margin,
    'export',
    '--database',
    database,
    '--format',
    'raw',
    '--out',
    '-',
    '--no-progress',
  ]);
  const read = Number(/from (\d+) annotations/.exec(run.stderr)?.[1] ?? TOTAL);
  const figures = {
    seconds: Number(run.seconds.toFixed(2)),
    perSecond: Math.round(read / run.seconds),
    peakRssMb: Math.round(run.peakRssMb),
    sha256: run.sha256,
    anchorSeconds: Number(anchorRun.seconds.toFixed(2)),
    ratioToAnchor: Number((run.seconds / anchorRun.seconds).toFixed(2)),
  };
  console.log(
    `export ${kind.padEnd(8)} ${read} annotations in ${figures.seconds} s: ${figures.perSecond} annotations/s, ` +
      `peak RSS ${figures.peakRssMb} MB; anchor ${figures.anchorSeconds} s (${figures.ratioToAnchor}x)`,
  );
  return figures;
}

async function ingest(kind: Kind, annotations: Annotation[], database: string | undefined, anchorMs: number) {
  const companion = await startCompanion(database === undefined ? {} : { database });
  try {
    const { ms, p95 } = await pushAll(companion.url, companion.token, annotations, { pushers: PUSHERS, batch: BATCH });
    const perSecond = annotations.length / (ms / 1000);
    const anchorPerSecond = annotations.length / (anchorMs / 1000);
    const figures: Ingest = {
      seconds: Number((ms / 1000).toFixed(2)),
      perSecond: Math.round(perSecond),
      p95PushMs: Math.round(p95),
      anchorPerSecond: Math.round(anchorPerSecond),
      ratioToAnchor: Number((perSecond / anchorPerSecond).toFixed(3)),
    };
    console.log(
      `ingest ${kind.padEnd(8)} ${figures.perSecond} annotations/s, p95 push (${BATCH}) ${figures.p95PushMs} ms; ` +
        `raw anchor ${figures.anchorPerSecond} rows/s (ratio ${figures.ratioToAnchor})`,
    );
    return { figures, sqlitePath: join(companion.dataDir, 'margin.sqlite'), companion };
  } catch (error) {
    await companion.dispose();
    throw error;
  }
}

async function main() {
  const bin = postgresBinDir();
  execFileSync('sqlite3', ['--version']); // fails loudly when sqlite3 is missing: apt-get install sqlite3
  const annotations = makeAnnotations(TOTAL);
  console.log(`${TOTAL} annotations, ${PUSHERS} concurrent pushers, batches of ${BATCH}`);
  const base = mkdtempSync(join(tmpdir(), 'margin-pg-'));
  const scratch = await makeTempDir('bench-postgres');
  try {
    const cluster = await ensureCluster(base, process.pid);
    const admin = postgres(cluster.url('postgres'), { max: 1, onnotice: false });
    await admin.unsafe('CREATE DATABASE bench');
    await admin.unsafe('CREATE DATABASE anchor');
    await admin.end();
    const url = cluster.url('bench');

    // The anchors first, on a quiet machine (the companions index for the dashboard after a push).
    const sqliteAnchorMs = sqliteAnchor(join(scratch.path, 'anchor.sqlite'), annotations);
    const postgresAnchorMs = await postgresAnchor(cluster.url('anchor'), annotations);

    const sqlite = await ingest('sqlite', annotations, undefined, sqliteAnchorMs);
    await sqlite.companion.stop();
    const pg = await ingest('postgres', annotations, url, postgresAnchorMs);
    await pg.companion.stop();

    const psql = join(bin, 'psql');
    const exports = {
      sqlite: await exportFigures('sqlite', sqlite.sqlitePath, ['sqlite3', ['-json', sqlite.sqlitePath, EXPORT_QUERY]]),
      postgres: await exportFigures('postgres', url, [
        psql,
        [url, '-X', '-q', '-c', `\\copy (${EXPORT_QUERY}) to stdout`],
      ]),
    };
    await sqlite.companion.dispose();
    await pg.companion.dispose();
    const sameBytes = exports.sqlite.sha256 === exports.postgres.sha256;
    console.log(`both stores exported the same bytes: ${sameBytes ? 'yes' : 'NO'}`);

    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        node: process.version,
        postgres: readFileSync(join(base, 'data', 'PG_VERSION'), 'utf8').trim(),
        // Other work on the machine skews every figure; the ratios, measured in the same run, less so.
        loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
      },
      annotations: TOTAL,
      pushers: PUSHERS,
      batch: BATCH,
      ingest: { sqlite: sqlite.figures, postgres: pg.figures },
      postgresToSqliteIngest: Number((pg.figures.perSecond / sqlite.figures.perSecond).toFixed(2)),
      export: exports,
      postgresToSqliteExport: Number((exports.postgres.perSecond / exports.sqlite.perSecond).toFixed(2)),
      sameBytes,
    };
    console.log(
      `PostgreSQL / SQLite: ingest ${results.postgresToSqliteIngest}x, export ${results.postgresToSqliteExport}x ` +
        `(load average ${results.machine.loadAverage1m} on ${results.machine.cpus} cores)`,
    );
    const dir = join(repoRoot, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'postgres.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('written to bench/results/postgres.json');
    if (!sameBytes) process.exitCode = 1;
  } finally {
    await stopCluster(base);
    await scratch.remove();
  }
}

await main();
