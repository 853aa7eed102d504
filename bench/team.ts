/**
 * `npm run bench:team`: a team server under a team's load, each figure beside an anchor measured in
 * the same run (docs/benchmarks.md, "Team server").
 *
 * - Ingest: ANNOTATORS (10) users, each with their own token, push BENCH_TEAM_PER (default 10,000)
 *   realistic annotations (1–4 KB, multi-turn) at once, in batches of BATCH, to one companion process:
 *   on PostgreSQL and on SQLite. Annotations/s end to end and p95 push latency; anchor: the same rows
 *   written raw through the same client (`COPY` through postgres.js, prepared inserts in
 *   better-sqlite3).
 * - Two companion processes on one PostgreSQL database, half the annotators on each, against one.
 * - Export: BENCH_TEAM_EXPORT (default 1,000,000) annotations from PostgreSQL with the real
 *   `margin export --format raw` CLI, as installed (dist/, built in the run) and as run from the
 *   repository (through tsx, whose loader thread alone holds some 40 MB): annotations/s and peak RSS;
 *   anchor: `psql \copy (select body …) to stdout` of the same rows. Rows beyond those pushed are copies made in SQL (new ids and
 *   conversations), since pushing a million through HTTP measures the push again, not the export.
 *
 * A throwaway PostgreSQL cluster is started for the run and removed after. Results:
 * bench/results/team.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { Annotation } from '../shared/index.ts';
import { type CompanionProcess, startCompanion } from '../test/support/companion.ts';
import { repoRoot } from '../test/support/paths.ts';
import { ensureCluster, postgresBinDir, stopCluster } from '../test/support/postgres-cluster.ts';
import { makeTempDir } from '../test/support/temp-dir.ts';
import { measure, percentile, postgresAnchor, pushAll, sqliteAnchor } from './support/bench-helpers.ts';
import { makeAnnotations } from './support/realistic-annotations.ts';

const ANNOTATORS = 10;
const PER = Number(process.env.BENCH_TEAM_PER ?? 10_000);
const EXPORT_N = Number(process.env.BENCH_TEAM_EXPORT ?? 1_000_000);
const BATCH = 500;
const EXPORT_QUERY = 'SELECT body FROM annotations WHERE deleted_at IS NULL ORDER BY site, conversation_id, seq';

interface Ingest {
  processes: number;
  seconds: number;
  perSecond: number;
  p95PushMs: number;
  anchorPerSecond: number;
  ratioToAnchor: number;
}

/** Each annotator's share, named as the user who pushes it (a team server refuses any other name). */
function shares(annotations: Annotation[]): Annotation[][] {
  return Array.from({ length: ANNOTATORS }, (_, i) =>
    annotations.slice(i * PER, (i + 1) * PER).map((a) => ({ ...a, annotator: `annotator-${i}` })),
  );
}

async function addUsers(companion: CompanionProcess): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < ANNOTATORS; i += 1) {
    const response = await fetch(`${companion.url}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${companion.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `annotator-${i}`, role: 'annotator' }),
    });
    if (response.status !== 201) throw new Error(`adding annotator-${i}: ${response.status} ${await response.text()}`);
    tokens.push(((await response.json()) as { token: string }).token);
  }
  return tokens;
}

/** Every annotator pushes their share at once, each to the companion `urlOf` gives them. */
async function teamPush(
  label: string,
  work: Annotation[][],
  tokens: string[],
  urlOf: (annotator: number) => string,
  processes: number,
  anchorMs: number,
): Promise<Ingest> {
  const started = performance.now();
  const runs = await Promise.all(
    work.map((annotations, i) =>
      pushAll(urlOf(i), tokens[i] as string, annotations, { pushers: 1, batch: BATCH, device: `annotator-${i}` }),
    ),
  );
  const ms = performance.now() - started;
  const total = work.reduce((sum, share) => sum + share.length, 0);
  const perSecond = total / (ms / 1000);
  const anchorPerSecond = total / (anchorMs / 1000);
  const figures: Ingest = {
    processes,
    seconds: Number((ms / 1000).toFixed(2)),
    perSecond: Math.round(perSecond),
    p95PushMs: Math.round(
      percentile(
        runs.flatMap((run) => run.latencies),
        95,
      ),
    ),
    anchorPerSecond: Math.round(anchorPerSecond),
    ratioToAnchor: Number((perSecond / anchorPerSecond).toFixed(3)),
  };
  console.log(
    `ingest ${label.padEnd(22)} ${figures.perSecond} annotations/s, p95 push (${BATCH}) ${figures.p95PushMs} ms; ` +
      `raw anchor ${figures.anchorPerSecond} rows/s (ratio ${figures.ratioToAnchor})`,
  );
  return figures;
}

/** Tops the table up to `n` live annotations with copies made in SQL: new ids, conversations and sequence numbers. */
async function topUp(url: string, n: number): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: false });
  try {
    const [{ count = 0 } = {}] = await sql<{ count: number }[]>`SELECT count(*)::int AS count FROM annotations`;
    if (count >= n) return count;
    const rounds = Math.ceil((n - count) / count);
    await sql.begin(async (tx) => {
      await tx.unsafe(
        `INSERT INTO annotations (id, seq, key, site, conversation_id, annotator, revision, updated_at, updated_at_ms,
           deleted_at, device_id, hash, received_at, body)
         SELECT c.new_id, s.last_seq + row_number() OVER (), c.key || ':c' || c.g, c.site, c.new_conversation,
           c.annotator, c.revision, c.updated_at, c.updated_at_ms, c.deleted_at, c.device_id, c.hash, c.received_at,
           jsonb_set(jsonb_set(c.body::jsonb, '{id}', to_jsonb(c.new_id)), '{conversationId}',
             to_jsonb(c.new_conversation))::text
         FROM (SELECT a.*, g, gen_random_uuid()::text AS new_id, a.conversation_id || '-c' || g AS new_conversation
               FROM annotations a CROSS JOIN generate_series(1, $1::int) AS g LIMIT $2::int) AS c,
              sync_sequence s`,
        [rounds, n - count],
      );
      await tx.unsafe('UPDATE sync_sequence SET last_seq = (SELECT max(seq) FROM annotations)');
    });
    await sql.unsafe('ANALYZE annotations');
    return n;
  } finally {
    await sql.end();
  }
}

/**
 * One `margin export --format raw --out -` run: `command` is the CLI entry, either the repository's
 * (`bin/margin.js`, TypeScript compiled on the fly by tsx in a loader thread) or the installed
 * package's (`dist/`, plain JavaScript: what `npm install -g` runs on a team server).
 */
async function exportRun(url: string, n: number, entry: string, anchorSeconds: number) {
  const run = await measure(process.execPath, [
    entry,
    'export',
    '--database',
    url,
    '--format',
    'raw',
    '--out',
    '-',
    '--no-progress',
  ]);
  const read = Number(/from (\d+) annotations/.exec(run.stderr)?.[1] ?? n);
  return {
    annotations: read,
    seconds: Number(run.seconds.toFixed(2)),
    perSecond: Math.round(read / run.seconds),
    peakRssMb: Math.round(run.peakRssMb),
    ratioToAnchor: Number((run.seconds / anchorSeconds).toFixed(2)),
  };
}

async function exportFigures(url: string, n: number) {
  const psql = join(postgresBinDir(), 'psql');
  const anchor = await measure(psql, [url, '-X', '-q', '-c', `\\copy (${EXPORT_QUERY}) to stdout`]);
  // The package as installed: the same compile `npm pack` runs (prepack), into the ignored dist/.
  execFileSync('npm', ['run', '--silent', 'build:companion'], { cwd: repoRoot, stdio: 'inherit' });
  const installed = await exportRun(url, n, join(repoRoot, 'dist', 'companion', 'src', 'cli.js'), anchor.seconds);
  const repository = await exportRun(url, n, join(repoRoot, 'bin', 'margin.js'), anchor.seconds);
  rmSync(join(repoRoot, 'dist'), { recursive: true, force: true });
  for (const [label, figures] of [
    ['installed (dist)', installed],
    ['repository (tsx)', repository],
  ] as const) {
    console.log(
      `export postgres, ${label.padEnd(16)} ${figures.annotations} annotations in ${figures.seconds} s: ` +
        `${figures.perSecond} annotations/s, peak RSS ${figures.peakRssMb} MB; psql \\copy ${anchor.seconds.toFixed(2)} s ` +
        `(${figures.ratioToAnchor}x)`,
    );
  }
  return {
    ...installed,
    anchorSeconds: Number(anchor.seconds.toFixed(2)),
    anchorPeakRssMb: Math.round(anchor.peakRssMb),
    repository,
  };
}

async function main() {
  const annotations = makeAnnotations(PER * ANNOTATORS);
  const work = shares(annotations);
  console.log(`${ANNOTATORS} annotators × ${PER} annotations, batches of ${BATCH}; export of ${EXPORT_N}`);
  const base = mkdtempSync(join(tmpdir(), 'margin-team-'));
  const scratch = await makeTempDir('bench-team');
  const companions: CompanionProcess[] = [];
  const start = async (database?: string) => {
    // A shared machine can take a while to start a process: do not fail the run for that.
    const companion = await startCompanion({
      ...(database === undefined ? {} : { database }),
      startTimeoutMs: 180_000,
    });
    companions.push(companion);
    return companion;
  };
  try {
    const cluster = await ensureCluster(base, process.pid);
    const admin = postgres(cluster.url('postgres'), { max: 1, onnotice: false });
    for (const name of ['one', 'two', 'anchor']) await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();

    // The anchors first, on a quiet machine (the companions index for the dashboard after a push).
    const sqliteAnchorMs = sqliteAnchor(join(scratch.path, 'anchor.sqlite'), annotations);
    const postgresAnchorMs = await postgresAnchor(cluster.url('anchor'), annotations);

    const one = await start(cluster.url('one'));
    const postgresOne = await teamPush(
      'postgres, 1 process',
      work,
      await addUsers(one),
      () => one.url,
      1,
      postgresAnchorMs,
    );
    await one.stop();

    const sqlite = await start();
    const sqliteOne = await teamPush(
      'sqlite, 1 process',
      work,
      await addUsers(sqlite),
      () => sqlite.url,
      1,
      sqliteAnchorMs,
    );
    await sqlite.stop();

    const [a, b] = [await start(cluster.url('two')), await start(cluster.url('two'))];
    const postgresTwo = await teamPush(
      'postgres, 2 processes',
      work,
      await addUsers(a),
      (i) => (i % 2 === 0 ? a.url : b.url),
      2,
      postgresAnchorMs,
    );
    await a.stop();
    await b.stop();
    console.log(`two processes / one: ${(postgresTwo.perSecond / postgresOne.perSecond).toFixed(2)}x`);

    const exported = await exportFigures(cluster.url('one'), await topUp(cluster.url('one'), EXPORT_N));
    const load = loadavg();
    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        node: process.version,
        postgres: readFileSync(join(base, 'data', 'PG_VERSION'), 'utf8').trim(),
        // A shared machine: other work skews every figure; the ratios, measured in the same run, less so.
        loadAverage: load.map((value) => Number(value.toFixed(2))),
        uptimeSeconds: Math.round(uptime()),
      },
      annotators: ANNOTATORS,
      perAnnotator: PER,
      batch: BATCH,
      ingest: { postgres: postgresOne, sqlite: sqliteOne, postgresTwoProcesses: postgresTwo },
      twoProcessesToOne: Number((postgresTwo.perSecond / postgresOne.perSecond).toFixed(2)),
      postgresToSqliteIngest: Number((postgresOne.perSecond / sqliteOne.perSecond).toFixed(2)),
      export: exported,
    };
    console.log(`load average ${results.machine.loadAverage.join(' ')} on ${results.machine.cpus} cores`);
    const dir = join(repoRoot, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'team.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('written to bench/results/team.json');
  } finally {
    for (const companion of companions) await companion.dispose();
    await stopCluster(base);
    await scratch.remove();
  }
}

await main();
