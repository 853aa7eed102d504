/**
 * `npm run bench:export`: export throughput and memory with 1,000,000 annotations in the SQLite store.
 *
 * Generates the annotations straight into a database created by the store's own migrations (reused
 * across runs; BENCH_FRESH=1 rebuilds it, BENCH_ANNOTATIONS=n changes the size), then for trl-dpo and
 * openai-sft runs the real `margin export` CLI and, as the raw-read anchor, `sqlite3 -json` dumping the
 * same rows in the same order (verl-sft writes Parquet). Prints lines/s, MB/s, annotations read/s, the CLI's peak RSS and the
 * ratio to sqlite3; writes the figures to bench/results/export.json.
 *
 * BENCH_STORE=postgres: the same rows copied into a throwaway PostgreSQL cluster (test/support/
 * postgres-cluster.ts), exported with `--database <url>`, and the anchor is `psql \copy (…) to stdout`
 * of the same rows in the same order; results go to bench/results/export-postgres.json.
 */
import { execFileSync, execSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { DATABASE_FILE } from '../companion/src/storage/sqlite/sqlite-store.ts';
import { openStore } from '../companion/src/support/data-dir.ts';
import { hashId } from '../shared/export/index.ts';
import type { Annotation, Message } from '../shared/index.ts';
import { ensureCluster, postgresBinDir, stopCluster } from '../test/support/postgres-cluster.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const COUNT = Number(process.env.BENCH_ANNOTATIONS ?? 1_000_000);
const dataDir = join(tmpdir(), `margin-bench-export-${COUNT}`);
const dbPath = join(dataDir, DATABASE_FILE);
const outDir = join(tmpdir(), 'margin-bench-export-out');
// verl-sft: the same rows as Parquet, a row group at a time (memory must stay flat there too).
const FORMATS = ['trl-dpo', 'openai-sft', 'verl-sft'] as const;
const QUERY = 'SELECT body FROM annotations WHERE deleted_at IS NULL ORDER BY site, conversation_id, seq';
const STORE = process.env.BENCH_STORE === 'postgres' ? 'postgres' : 'sqlite';
const COLUMNS =
  'id, seq, key, site, conversation_id, annotator, revision, updated_at, updated_at_ms, deleted_at, device_id, hash, received_at, body';

/** A throwaway cluster holding the SQLite store's rows (migrated by the store itself, then `\copy … from stdin`). */
async function postgresCopy(): Promise<{ url: string; anchor: [string, string[]]; stop: () => Promise<void> }> {
  const base = mkdtempSync(join(tmpdir(), 'margin-bench-export-pg-'));
  const cluster = await ensureCluster(base, process.pid);
  const admin = postgres(cluster.url('postgres'), { max: 1, onnotice: () => {} });
  await admin.unsafe('CREATE DATABASE bench');
  await admin.end();
  const url = cluster.url('bench');
  await (await openStore(dataDir, url)).close();
  const psql = join(postgresBinDir(), 'psql');
  const started = Date.now();
  execSync(
    `sqlite3 -csv '${dbPath}' "SELECT ${COLUMNS} FROM annotations" | '${psql}' '${url}' -X -q -v ON_ERROR_STOP=1 -c "\\copy annotations (${COLUMNS}) from stdin csv" && '${psql}' '${url}' -X -q -c 'VACUUM ANALYZE annotations'`,
    { stdio: ['ignore', 'inherit', 'inherit'], maxBuffer: 1 << 20 },
  );
  console.log(
    `copied ${COUNT.toLocaleString()} annotations into PostgreSQL in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return {
    url,
    anchor: [psql, [url, '-X', '-q', '-c', `\\copy (${QUERY}) to stdout`]],
    stop: () => stopCluster(base).finally(() => rmSync(base, { recursive: true, force: true })),
  };
}

const SYSTEM = 'You are a helpful assistant for home networking questions. Answer concisely.';
const ANSWER = 'Hold the reset pin for ten seconds until the LED blinks amber, then wait for it to turn green. ';

/** Four annotations per conversation: two rated variants of turn 1, a (sometimes corrected) turn 2, a middling turn 3. */
function conversation(c: number): Annotation[] {
  const site = ['chatgpt', 'claude', 'gemini'][c % 3] as string;
  const conversationId = `conv-${String(c).padStart(8, '0')}`;
  const q1: Message = {
    role: 'user',
    content: `Question ${c}: my router (model R${c % 97}) drops Wi-Fi every hour. What should I do?`,
  };
  const first: Message[] = [{ role: 'system', content: SYSTEM }, q1];
  const second: Message[] = [
    ...first,
    { role: 'assistant', content: `${ANSWER}(${c})` },
    { role: 'user', content: 'It still drops. Anything else?' },
  ];
  const make = (i: number, messageId: string, context: Message[], fields: Partial<Annotation>): Annotation => {
    const time = new Date(Date.UTC(2026, 0, 1) + (c * 4 + i) * 1000).toISOString();
    return {
      schemaVersion: 2,
      id: `${conversationId}-${i}`,
      key: `${site}:${conversationId}:${messageId}`,
      site,
      url: `https://example.com/c/${conversationId}`,
      conversationId,
      messageId,
      model: 'model-x',
      modelSource: 'model-picker',
      context,
      response: '',
      variant: null,
      thumb: null,
      score: null,
      comment: '',
      tags: ['bench'],
      correction: null,
      metadata: {},
      annotator: 'bench',
      createdAt: time,
      updatedAt: time,
      deletedAt: null,
      revision: 1,
      ...fields,
    };
  };
  const variant = (index: number) => ({ index, count: 2, group: `${conversationId}-g1` });
  return [
    make(0, 'm1', first, { response: `${ANSWER}(${c})`, thumb: 'up', score: 85, variant: variant(1) }),
    make(1, 'm1b', first, { response: `Just buy a new router. (${c})`, thumb: 'down', score: 30, variant: variant(2) }),
    make(2, 'm2', second, {
      response: `Try another channel. (${c})`,
      score: 75,
      correction: c % 3 === 0 ? `Move the router away from the microwave and pick channel 1, 6 or 11. (${c})` : null,
    }),
    make(
      3,
      'm3',
      [...second, { role: 'assistant', content: `Try another channel. (${c})` }, { role: 'user', content: 'Thanks!' }],
      {
        response: `You are welcome. (${c})`,
        score: 55,
      },
    ),
  ];
}

async function generate(): Promise<void> {
  rmSync(dataDir, { recursive: true, force: true });
  await (await openStore(dataDir)).close(); // the store's own migrations create the schema
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `INSERT INTO annotations (id, seq, key, site, conversation_id, annotator, revision, updated_at, updated_at_ms, deleted_at, device_id, hash, received_at, body)
     VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, NULL, 'bench', ?, ?, ?)`,
  );
  const started = Date.now();
  const conversations = Math.ceil(COUNT / 4);
  let seq = 0;
  const batch = db.transaction((from: number, to: number) => {
    for (let c = from; c < to; c++) {
      for (const a of conversation(c)) {
        if (seq >= COUNT) return;
        seq += 1;
        const body = JSON.stringify(a);
        insert.run(
          a.id,
          seq,
          a.key,
          a.site,
          a.conversationId,
          a.annotator,
          a.updatedAt,
          Date.parse(a.updatedAt),
          hashId(body),
          a.updatedAt,
          body,
        );
      }
    }
  });
  for (let c = 0; c < conversations; c += 10_000) {
    batch(c, Math.min(conversations, c + 10_000));
    process.stderr.write(`\rgenerating: ${seq.toLocaleString()} annotations`);
  }
  db.close();
  process.stderr.write(
    `\rgenerated ${seq.toLocaleString()} annotations in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

/** Runs a command and reports wall time and peak RSS (GNU time's %M, in KiB). */
function measure(
  command: string,
  args: string[],
  stdoutPath: string | null,
): Promise<{ seconds: number; peakRssMb: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'PEAK_RSS_KB=%M', command, ...args], {
      cwd: root,
      stdio: ['ignore', stdoutPath ? 'pipe' : 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    if (stdoutPath && child.stdout) child.stdout.resume(); // discarded, like a pipe to /dev/null
    child.once('error', reject);
    child.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`${command} exited with ${code}: ${stderr}`));
      const peak = /PEAK_RSS_KB=(\d+)/.exec(stderr);
      resolve({ seconds, peakRssMb: peak ? Number(peak[1]) / 1024 : Number.NaN, stderr });
    });
  });
}

async function main(): Promise<void> {
  execFileSync('sqlite3', ['--version']); // fails loudly when sqlite3 is missing: apt-get install sqlite3
  const rows =
    existsSync(dbPath) && process.env.BENCH_FRESH !== '1'
      ? (
          new Database(dbPath, { readonly: true }).prepare('SELECT count(*) AS n FROM annotations').get() as {
            n: number;
          }
        ).n
      : -1;
  if (rows !== COUNT) await generate();
  else console.log(`reusing ${dbPath} (${rows.toLocaleString()} annotations; BENCH_FRESH=1 rebuilds it)`);
  mkdirSync(outDir, { recursive: true });
  const load = [loadavg()[0]];
  const pg = STORE === 'postgres' ? await postgresCopy() : null;
  const results: Record<string, unknown>[] = [];
  try {
    for (const format of FORMATS) {
      const anchor = pg
        ? await measure(...pg.anchor, 'pipe')
        : await measure('sqlite3', ['-json', dbPath, QUERY], 'pipe');
      const out = join(outDir, `${format}.${format.startsWith('verl-') ? 'parquet' : 'jsonl'}`);
      const run = await measure(
        process.execPath,
        [
          join(root, 'bin', 'margin.js'),
          'export',
          '--data-dir',
          dataDir,
          ...(pg ? ['--database', pg.url] : []),
          '--format',
          format,
          '--out',
          out,
          '--no-progress',
        ],
        null,
      );
      const linesMatch = /: (\d+) lines.* from (\d+) annotations/.exec(run.stderr);
      const lines = Number(linesMatch?.[1] ?? Number.NaN);
      const read = Number(linesMatch?.[2] ?? Number.NaN);
      const mb = (statSync(out).size + statSync(join(outDir, `${format}.meta.jsonl`)).size) / 1e6;
      const result = {
        format,
        annotations: read,
        lines,
        seconds: Number(run.seconds.toFixed(2)),
        annotationsPerSecond: Math.round(read / run.seconds),
        linesPerSecond: Math.round(lines / run.seconds),
        megabytesWritten: Number(mb.toFixed(1)),
        megabytesPerSecond: Number((mb / run.seconds).toFixed(1)),
        peakRssMb: Number(run.peakRssMb.toFixed(0)),
        store: STORE,
        anchor: pg ? 'psql \\copy (query) to stdout' : 'sqlite3 -json',
        anchorSeconds: Number(anchor.seconds.toFixed(2)),
        ratioToAnchor: Number((run.seconds / anchor.seconds).toFixed(2)),
      };
      results.push(result);
      console.log(
        `${format.padEnd(11)} ${read.toLocaleString()} annotations -> ${lines.toLocaleString()} lines in ${result.seconds} s: ` +
          `${result.annotationsPerSecond.toLocaleString()} annotations/s (target >= 100,000), ${result.linesPerSecond.toLocaleString()} lines/s, ` +
          `${result.megabytesPerSecond} MB/s (lines + sidecar, ${result.megabytesWritten} MB), peak RSS ${result.peakRssMb} MB (target <= 300), ` +
          `${result.anchor} ${result.anchorSeconds} s, ratio ${result.ratioToAnchor}x (target <= 2x)`,
      );
    }
  } finally {
    await pg?.stop();
  }
  load.push(loadavg()[0]);
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const record = {
    date: new Date().toISOString(),
    node: process.version,
    store: STORE,
    annotationsInStore: COUNT,
    // Other work on the shared machine skews every figure; the ratio to the anchor of the same run, less so.
    loadAverage1m: { start: load[0], end: load[1] },
    results,
  };
  const name = pg ? 'export-postgres.json' : 'export.json';
  writeFileSync(join(resultsDir, name), `${JSON.stringify(record, null, 2)}\n`);
  console.log(`results written to bench/results/${name}`);
}

await main();
