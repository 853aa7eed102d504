/**
 * Helpers the PostgreSQL benchmarks share (bench/postgres.ts, bench/team.ts): pushing over HTTP with
 * latencies, the raw write anchors (`COPY` through postgres.js, prepared inserts in better-sqlite3) and
 * a command's wall time and peak RSS.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import type { Annotation } from '../../shared/index.ts';
import { repoRoot } from '../../test/support/paths.ts';

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Pushes `annotations` in batches of `batch` over `pushers` concurrent clients (each a device of its
 * own); answers the wall time and the p95 latency of one push. Any push not fully accepted throws.
 */
export async function pushAll(
  url: string,
  token: string,
  annotations: Annotation[],
  options: { pushers: number; batch: number; device?: string },
): Promise<{ ms: number; p95: number; latencies: number[] }> {
  const { pushers, batch, device: devicePrefix = 'bench' } = options;
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const pusher = async (device: number) => {
    for (;;) {
      const start = next * batch;
      next += 1;
      if (start >= annotations.length) return;
      const body = JSON.stringify({
        deviceId: `${devicePrefix}-${device}`,
        annotations: annotations.slice(start, start + batch),
      });
      const sent = performance.now();
      const response = await fetch(`${url}/api/v1/sync/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      const result = (await response.json()) as { annotations?: Array<{ status: string }> };
      latencies.push(performance.now() - sent);
      if (response.status !== 200 || result.annotations?.some((item) => item.status !== 'accepted')) {
        throw new Error(`push failed: ${response.status} ${JSON.stringify(result).slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: pushers }, (_, device) => pusher(device)));
  return { ms: performance.now() - started, p95: percentile(latencies, 95), latencies };
}

export function rows(annotations: Annotation[]) {
  return annotations.map((a, index) => [
    a.id,
    index + 1,
    a.key,
    a.site,
    a.conversationId,
    a.annotator,
    JSON.stringify(a),
  ]);
}

export const ANCHOR_TABLE = `CREATE TABLE anchor (id text PRIMARY KEY, seq bigint NOT NULL UNIQUE, key text NOT NULL,
  site text NOT NULL, conversation_id text NOT NULL, annotator text NOT NULL, body text NOT NULL)`;

/** The same rows through better-sqlite3, one transaction, WAL and synchronous = FULL as the store. */
export function sqliteAnchor(path: string, annotations: Annotation[]): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(ANCHOR_TABLE);
  const insert = db.prepare('INSERT INTO anchor VALUES (?, ?, ?, ?, ?, ?, ?)');
  const values = rows(annotations);
  const started = performance.now();
  db.transaction(() => {
    for (const row of values) insert.run(...row);
  })();
  const ms = performance.now() - started;
  db.close();
  return ms;
}

/** COPY's text format: a backslash, tab or line break inside a value is escaped. */
export const copyText = (value: unknown) =>
  String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] as string);

/** The same rows with `COPY … FROM STDIN` through postgres.js, the client the store uses. */
export async function postgresAnchor(url: string, annotations: Annotation[]): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: false });
  try {
    await sql.unsafe(ANCHOR_TABLE);
    const lines = rows(annotations).map((row) => `${row.map(copyText).join('\t')}\n`);
    const started = performance.now();
    const writable = await sql`COPY anchor FROM STDIN`.writable();
    await pipeline(
      (async function* () {
        for (let i = 0; i < lines.length; i += 1_000) yield lines.slice(i, i + 1_000).join('');
      })(),
      writable,
    );
    return performance.now() - started;
  } finally {
    await sql.end();
  }
}

/** Runs a command, its stdout hashed or thrown away; wall time and peak RSS (GNU time's %M). */
export function measure(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ seconds: number; peakRssMb: number; stderr: string; sha256: string }>((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'PEAK_RSS_KB=%M', command, ...args], { cwd: repoRoot, env });
    const hash = createHash('sha256');
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => hash.update(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`${command} exited with ${code}: ${stderr}`));
      const peak = /PEAK_RSS_KB=(\d+)/.exec(stderr);
      resolve({ seconds, peakRssMb: peak ? Number(peak[1]) / 1024 : Number.NaN, stderr, sha256: hash.digest('hex') });
    });
  });
}
