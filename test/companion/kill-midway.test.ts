import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase } from '../../companion/src/storage/open-database.ts';
import { connectPostgres, type Sql } from '../../companion/src/storage/postgres/connect.ts';
import { migratePostgres, PG_LATEST_VERSION, PG_MIGRATIONS } from '../../companion/src/storage/postgres/migrations.ts';
import { openPostgresStores } from '../../companion/src/storage/postgres/postgres-stores.ts';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../companion/src/storage/sqlite/migrations.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import { type Annotation, upgradeAnnotation } from '../../shared/index.ts';
import { seededRandom } from '../support/annotation-arbitrary.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { frozenRow, insertKnownColumns } from '../support/frozen-rows.ts';
import { repoRoot } from '../support/paths.ts';
import { clusterUrl } from '../support/postgres.ts';
import { postgresBinDir } from '../support/postgres-cluster.ts';
import { createDatabase, STORE_KINDS, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * SIGKILL in the middle of a migration and of `margin copy` (fixed seed, bounded counts). A migration
 * is all or nothing: after the kill the store is at some version k with exactly k's schema and every
 * record, and the next start finishes the upgrade. A copy cut off is finished by running it again:
 * the target then holds what the source holds, and a third run has nothing left to copy.
 */
const SEED = 18_2027;
const frozenV1 = join(repoRoot, 'test', 'fixtures', 'frozen-postgres', 'v1.sql');
const filler = 'Judgement took hours to give; a kill must not take it away. '.repeat(12);

function margin(args: string[]): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'margin.js'), ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

async function output(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { child, exited } = margin(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return { code: await exited, stdout, stderr };
}

/** Waits until `ready()` holds (polled), then `delayMs` more, then SIGKILLs; false when the child finished first. */
async function killWhen(
  run: { child: ChildProcess; exited: Promise<number | null> },
  ready: () => boolean | Promise<boolean>,
  delayMs: number,
): Promise<boolean> {
  let done = false;
  void run.exited.then(() => {
    done = true;
  });
  const deadline = Date.now() + 120_000;
  while (!done && Date.now() < deadline && !(await ready())) await new Promise((r) => setTimeout(r, 5));
  if (!done) await new Promise((r) => setTimeout(r, delayMs));
  if (done) return false;
  run.child.kill('SIGKILL');
  await run.exited;
  return true;
}

const walBytes = (path: string) => statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;

/** The schema a store has at `version`: every CREATE statement, sorted. */
function schemaOf(db: Database.Database): string[] {
  return (
    db
      .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[]
  )
    .map((sql) => sql.replace(/\s+/g, ' '))
    .sort();
}

describe('SIGKILL mid-migration (SQLite)', { timeout: 300_000 }, () => {
  const FROZEN_AT = 4; // below the annotation schema v2 rewrite (v5), the longest migration
  const COUNT = 8_000;
  let dir: { path: string; remove: () => Promise<void> };
  let frozen = '';
  const originals = new Map<string, Annotation>();
  const schemaAt = new Map<number, string[]>();

  beforeAll(async () => {
    dir = await makeTempDir('kill-migration');
    frozen = join(dir.path, 'frozen.sqlite');
    const db = new Database(frozen);
    db.pragma('journal_mode = WAL');
    migrate(
      db,
      MIGRATIONS.filter((migration) => migration.version <= FROZEN_AT),
    );
    db.transaction(() => {
      for (let i = 0; i < COUNT; i++) {
        // As Margin at v4 stored them: annotation schema v1 bodies.
        const record = {
          ...makeAnnotation({ conversationId: `conv-${i}`, messageId: 'm1', response: `${filler}${i}` }),
          schemaVersion: 1,
        } as unknown as Annotation;
        originals.set(record.id, record);
        insertKnownColumns(db, 'annotations', frozenRow(record, i + 1));
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    // The schema each version has, from a fresh database migrated to it.
    for (let version = FROZEN_AT; version <= LATEST_VERSION; version++) {
      const fresh = new Database(':memory:');
      migrate(
        fresh,
        MIGRATIONS.filter((migration) => migration.version <= version),
      );
      schemaAt.set(version, schemaOf(fresh));
      fresh.close();
    }
  });
  afterAll(() => dir?.remove());

  it('leaves the store at a whole version with every record, and the next start completes it', async () => {
    const random = seededRandom(SEED);
    const versionsSeen: number[] = [];
    let killedMidway = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      const path = join(dir.path, `attempt-${attempt}.sqlite`);
      copyFileSync(frozen, path);
      const run = margin(['stats', '--database', path, '--json']);
      // Once the migration has written a seeded amount (the WAL grows as it writes), at once: a point
      // measured in bytes written, not in time, lands inside the migration on a quiet machine as on a
      // loaded one (a delay of up to 1 s missed it on a quiet CI machine). The last attempt goes
      // deeper, so the kills land in more than one place.
      const threshold = 64 * 1024 + Math.floor(random() * (attempt === 2 ? 4 : 1) * 1024 * 1024);
      const killed = await killWhen(run, () => walBytes(path) > threshold, 0);
      const db = new Database(path);
      try {
        const version = db.pragma('user_version', { simple: true }) as number;
        versionsSeen.push(version);
        if (killed && version < LATEST_VERSION) killedMidway++;
        expect(version).toBeGreaterThanOrEqual(FROZEN_AT);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        // Exactly the schema of that version: no migration half-applied.
        expect(schemaOf(db).filter((sql) => !sql.includes('dashboard_'))).toEqual(
          (schemaAt.get(version) ?? []).filter((sql) => !sql.includes('dashboard_')),
        );
        const bodies = db.prepare('SELECT body FROM annotations').pluck().all() as string[];
        expect(bodies).toHaveLength(COUNT);
        const schemaVersions = new Set(
          bodies.map((body) => (JSON.parse(body) as { schemaVersion: number }).schemaVersion),
        );
        // The v2 rewrite is one transaction: every body before it, or every body after it.
        expect([...schemaVersions]).toEqual([version >= 5 ? 2 : 1]);
      } finally {
        db.close();
      }
      const stores = await openDatabase({ kind: 'sqlite', path });
      try {
        let seen = 0;
        for await (const record of stores.sync.iterateAnnotations({ includeDeleted: true })) {
          const original = originals.get(record.id);
          expect(original, record.id).toBeDefined();
          expect(canonicalJson(record)).toBe(canonicalJson(upgradeAnnotation(original as Annotation)));
          seen++;
        }
        expect(seen).toBe(COUNT);
        expect(await stores.integrityCheck()).toBe('ok');
      } finally {
        await stores.close();
      }
      const after = new Database(path, { readonly: true });
      expect(after.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      after.close();
    }
    console.log(`mid-migration kills: versions after the kill ${versionsSeen.join(', ')}`);
    expect(killedMidway, 'at least one kill landed before the upgrade finished').toBeGreaterThan(0);
  });
});

describe.each(STORE_KINDS)('SIGKILL mid-copy, SQLite → %s', (kind) => {
  const COUNT = 4_000;
  let dir: { path: string; remove: () => Promise<void> };
  let source = '';
  let target: TestDatabase;

  beforeAll(async () => {
    dir = await makeTempDir('kill-copy');
    source = join(dir.path, 'source.sqlite');
    const stores = await openDatabase({ kind: 'sqlite', path: source });
    try {
      const records = Array.from({ length: COUNT }, (_, i) =>
        makeAnnotation({ conversationId: `copy-${i}`, messageId: 'm1', response: `${filler}${i}` }),
      );
      for (let i = 0; i < COUNT; i += 1_000) {
        await stores.sync.applyChanges({
          deviceId: 'source-device',
          receivedAt: new Date().toISOString(),
          annotations: records.slice(i, i + 1_000),
          comparisons: [],
        });
      }
      // Some edits, so history is copied too.
      await stores.sync.applyChanges({
        deviceId: 'source-device',
        receivedAt: new Date().toISOString(),
        annotations: records.slice(0, 200).map((record) => ({ ...record, revision: 2, score: 1 })),
        comparisons: [],
      });
    } finally {
      await stores.close();
    }
    target = await createDatabase(kind, 'kill-copy');
    await (await target.open()).close();
  }, 300_000);
  afterAll(async () => {
    await target?.remove();
    await dir?.remove();
  });

  it('a rerun completes it: the same counts as the source, and a third run copies nothing', {
    timeout: 300_000,
  }, async () => {
    const random = seededRandom(SEED + 1);
    const args = ['copy', '--from', source, '--to', target.option, '--no-progress'];
    const run = margin(args);
    // At a seeded number of copied annotations, at once: a delay after the first page let a quiet
    // machine finish the copy before the kill.
    const threshold = 500 + Math.floor(random() * 1_000);
    const killed = await killWhen(run, async () => (await target.count('annotations')) > threshold, 0);
    const partial = await target.count('annotations');
    console.log(`mid-copy kill (${kind}): killed=${killed}, ${partial} of ${COUNT} annotations copied at the kill`);
    expect(killed, 'the kill landed while the copy ran').toBe(true);
    expect(partial).toBeLessThan(COUNT);

    const rerun = await output(args);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await target.count('annotations')).toBe(COUNT);
    const sourceDb = new Database(source, { readonly: true });
    const sourceHistory = sourceDb.prepare('SELECT count(*) FROM history').pluck().get() as number;
    const sourceHashes = sourceDb.prepare('SELECT id, hash FROM annotations ORDER BY id').all();
    sourceDb.close();
    expect(sourceHistory).toBe(200);
    expect(await target.count('history')).toBe(sourceHistory);
    expect(await target.query('SELECT id, hash FROM annotations ORDER BY id')).toEqual(sourceHashes);

    const third = await output(args);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain('Nothing to copy');
  });
});

/** A PostgreSQL database's schema: every column, index and constraint of `public`, one sorted line each. */
async function postgresSchemaOf(sql: Sql): Promise<string[]> {
  const rows = await sql<{ line: string }[]>`
    SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' '
      || coalesce(collation_name, '') || ' ' || coalesce(column_default, '') || ' ' || is_identity AS line
      FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace`;
  return rows.map((row) => row.line).sort();
}

const committedVersion = async (sql: Sql) =>
  (await sql<{ v: number }[]>`SELECT max(version) AS v FROM schema_migrations`)[0]?.v ?? 0;

/** Every record's row, straight from the tables the frozen v1 store has. */
async function postgresRecords(sql: Sql): Promise<string[]> {
  const rows = await sql<{ line: string }[]>`
    SELECT 'annotation ' || id || ' ' || seq || ' ' || hash || ' ' || body AS line FROM annotations
    UNION ALL SELECT 'comparison ' || id || ' ' || seq || ' ' || hash || ' ' || body FROM comparisons
    UNION ALL SELECT 'history ' || kind || ' ' || id || ' ' || hash || ' ' || body FROM history`;
  return rows.map((row) => row.line).sort();
}

describe('SIGKILL mid-migration (PostgreSQL)', { timeout: 300_000 }, () => {
  // The frozen v1 dump plus clones of its records: v3 checks its new constraint over every history row.
  const ANNOTATIONS = 3_000;
  const HISTORY = 60_000;
  const admin = () => postgres(clusterUrl('postgres'), { max: 1, onnotice: false });
  const created: string[] = [];
  let template = '';
  let records: string[] = [];
  let annotationCount = 0;
  const schemaAt = new Map<number, string[]>();

  /** A new database, a copy of `from` (PostgreSQL's template copy) or empty. */
  async function newDatabase(name: string, from?: string): Promise<string> {
    const connection = admin();
    try {
      await connection.unsafe(`CREATE DATABASE ${name}${from ? ` TEMPLATE ${from}` : ''}`);
    } finally {
      await connection.end();
    }
    created.push(name);
    return clusterUrl(name);
  }

  beforeAll(async () => {
    const suffix = `${process.pid}_${Date.now()}`;
    template = `kill_migration_v1_${suffix}`;
    const url = await newDatabase(template);
    const psql = join(postgresBinDir(), 'psql');
    await promisify(execFile)(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', frozenV1]);
    const sql = connectPostgres(url, { max: 1 });
    try {
      expect(await committedVersion(sql)).toBe(1);
      // As Margin at v1 stored them: copies of the dump's records under new ids and sequence numbers.
      await sql.unsafe(`
        INSERT INTO annotations
          SELECT a.id || '-' || g, (SELECT max(seq) FROM annotations) + g, a.key || '-' || g, a.site,
            a.conversation_id || '-' || g, a.annotator, a.revision, a.updated_at, a.updated_at_ms, a.deleted_at,
            a.device_id, a.hash, a.received_at,
            jsonb_set(jsonb_set(jsonb_set(a.body::jsonb, '{id}', to_jsonb(a.id || '-' || g)),
              '{key}', to_jsonb(a.key || '-' || g)), '{conversationId}', to_jsonb(a.conversation_id || '-' || g))::text
          FROM generate_series(1, ${ANNOTATIONS}) g,
            (SELECT * FROM annotations ORDER BY seq LIMIT 1) a;
        UPDATE sync_sequence SET last_seq = (SELECT max(seq) FROM annotations);
        INSERT INTO history
          SELECT h.kind, h.id, h.hash || '-' || g, h.revision, h.updated_at, h.deleted_at, h.device_id,
            h.received_at, h.superseded_at, h.body
          FROM generate_series(1, ${HISTORY}) g, (SELECT * FROM history ORDER BY id, hash LIMIT 1) h;
      `);
      records = await postgresRecords(sql);
      annotationCount = (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM annotations`)[0]?.n ?? 0;
      expect(annotationCount).toBeGreaterThan(ANNOTATIONS);
    } finally {
      await sql.end();
    }
    // The schema each version has, from an empty database migrated cleanly to it.
    for (let version = 1; version <= PG_LATEST_VERSION; version++) {
      const fresh = connectPostgres(await newDatabase(`kill_migration_clean_v${version}_${suffix}`), { max: 1 });
      try {
        await migratePostgres(
          fresh,
          PG_MIGRATIONS.filter((migration) => migration.version <= version),
        );
        schemaAt.set(version, await postgresSchemaOf(fresh));
      } finally {
        await fresh.end();
      }
    }
  }, 300_000);
  afterAll(async () => {
    const connection = admin();
    try {
      for (const name of created) await connection.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await connection.end();
    }
  });

  /**
   * Where each kill lands, chosen by state, not time. `lock`: the test holds a lock that a statement in the
   * middle of one migration needs, so the kill comes while that migration has run part of its statements
   * (v3: after creating conversation_ratings, at history's new constraint; v4: after creating the account
   * tables, at sign_in_codes' new column). `version`: at once when a seeded version has committed.
   */
  type KillPoint = { lock: string; inside: number } | { version: number };

  it('leaves the database at a whole version with every record, and the next start completes it', async () => {
    const random = seededRandom(SEED + 2);
    const points: KillPoint[] = [
      { lock: 'history', inside: 3 },
      { lock: 'sign_in_codes', inside: 4 },
      { version: 1 + Math.floor(random() * (PG_LATEST_VERSION - 1)) },
    ];
    const versionsSeen: number[] = [];
    let killedMidway = 0;
    const dataDir = await makeTempDir('kill-migration-pg');
    onTestFinished(() => dataDir.remove());
    for (const [attempt, point] of points.entries()) {
      const url = await newDatabase(`${template}_attempt_${attempt}`, template);
      const watcher = connectPostgres(url, { max: 2 });
      try {
        const args = ['stats', '--data-dir', join(dataDir.path, 'data'), '--database', url, '--json'];
        let killed: boolean;
        if ('lock' in point) {
          let release = () => {};
          const released = new Promise<void>((resolve) => {
            release = resolve;
          });
          const held = watcher.begin(async (tx) => {
            await tx.unsafe(`LOCK TABLE ${point.lock} IN SHARE MODE`);
            await released;
          });
          // The lock is ours before the upgrade starts.
          while (
            (
              await watcher<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_locks
              WHERE relation = ${point.lock}::regclass AND mode = 'ShareLock' AND granted`
            )[0]?.n !== 1
          ) {
            await new Promise((r) => setTimeout(r, 5));
          }
          const run = margin(args);
          killed = await killWhen(
            run,
            async () =>
              (
                await watcher<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_locks
                WHERE relation = ${point.lock}::regclass AND NOT granted`
              )[0]?.n === 1,
            0,
          );
          release();
          await held;
          expect(killed, `the kill landed inside migration ${point.inside}`).toBe(true);
        } else {
          const run = margin(args);
          killed = await killWhen(run, async () => (await committedVersion(watcher)) >= point.version, 0);
        }
        // The killed process's server session ends (and rolls back) once it finds its client gone.
        while (
          (
            await watcher<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND backend_type = 'client backend'
              AND pid <> pg_backend_pid() AND state <> 'idle'`
          )[0]?.n !== 0
        ) {
          await new Promise((r) => setTimeout(r, 10));
        }
        const version = await committedVersion(watcher);
        versionsSeen.push(version);
        if (killed && version < PG_LATEST_VERSION) killedMidway++;
        if ('lock' in point) expect(version).toBe(point.inside - 1);
        expect(version).toBeGreaterThanOrEqual(1);
        // Exactly the schema of that version: no migration half-applied.
        expect(await postgresSchemaOf(watcher)).toEqual(schemaAt.get(version));
        expect(await postgresRecords(watcher)).toEqual(records);

        const next = await output(args);
        expect(next.code, next.stderr).toBe(0);
        expect(await committedVersion(watcher)).toBe(PG_LATEST_VERSION);
        expect(await postgresSchemaOf(watcher)).toEqual(schemaAt.get(PG_LATEST_VERSION));
        expect(await postgresRecords(watcher)).toEqual(records);
      } finally {
        await watcher.end();
      }
      const stores = await openPostgresStores(url);
      try {
        let seen = 0;
        for await (const _ of stores.sync.iterateAnnotations({ includeDeleted: true })) seen++;
        expect(seen).toBe(annotationCount);
        expect(await stores.integrityCheck()).toBe('ok');
      } finally {
        await stores.close();
      }
    }
    console.log(`mid-migration kills (PostgreSQL): versions after the kill ${versionsSeen.join(', ')}`);
    expect(killedMidway, 'the kills landed before the upgrade finished').toBeGreaterThanOrEqual(2);
  });
});
