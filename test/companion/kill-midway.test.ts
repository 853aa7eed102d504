import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../companion/src/storage/open-database.ts';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../companion/src/storage/sqlite/migrations.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import { type Annotation, upgradeAnnotation } from '../../shared/index.ts';
import { seededRandom } from '../support/annotation-arbitrary.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { frozenRow, insertKnownColumns } from '../support/frozen-rows.ts';
import { repoRoot } from '../support/paths.ts';
import { createDatabase, STORE_KINDS, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * SIGKILL in the middle of a migration and of `margin copy` (fixed seed, bounded counts). A migration
 * is all or nothing: after the kill the store is at some version k with exactly k's schema and every
 * record, and the next start finishes the upgrade. A copy cut off is finished by running it again:
 * the target then holds what the source holds, and a third run has nothing left to copy.
 */
const SEED = 18_2027;
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
