import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, type Migration, migrate } from '../../companion/src/storage/sqlite/migrations.ts';
import { openSqliteStore } from '../../companion/src/storage/sqlite/sqlite-store.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { collect } from '../support/collect.ts';
import { makeTempDir } from '../support/temp-dir.ts';

describe('SQLite migrations', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let path = '';
  beforeEach(async () => {
    dir = await makeTempDir('migrations');
    path = `${dir.path}/margin.sqlite`;
  });
  afterEach(() => dir.remove());

  const version = (db: Database.Database) => db.pragma('user_version', { simple: true });

  it('numbers migrations 1, 2, 3… without gaps', () => {
    expect(MIGRATIONS.map((migration) => migration.version)).toEqual(
      Array.from({ length: MIGRATIONS.length }, (_, index) => index + 1),
    );
  });

  it('upgrades a version-0 database (even one holding something else) to the latest, once', async () => {
    const db = new Database(path);
    db.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('kept')");
    expect(migrate(db)).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(version(db)).toBe(LATEST_VERSION);
    expect(migrate(db)).toEqual([]);
    expect(db.prepare('SELECT text FROM notes').pluck().get()).toBe('kept');
    db.close();
    const store = openSqliteStore(path);
    await store.applyChanges({
      deviceId: 'd',
      receivedAt: '2026-11-01T00:00:00.000Z',
      annotations: [makeAnnotation()],
      comparisons: [],
    });
    expect((await store.stats()).annotations.live).toBe(1);
    store.close();
  });

  it('upgrades a database at the previous version, keeping its rows, and records the new version', async () => {
    const next: Migration = {
      version: LATEST_VERSION + 1,
      description: 'test: a column added later',
      up: (db) => db.exec('ALTER TABLE annotations ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0'),
    };
    const store = openSqliteStore(path);
    const annotation = makeAnnotation();
    await store.applyChanges({
      deviceId: 'd',
      receivedAt: '2026-11-01T00:00:00.000Z',
      annotations: [annotation],
      comparisons: [],
    });
    store.close();
    const db = new Database(path);
    expect(version(db)).toBe(LATEST_VERSION);
    expect(migrate(db, [...MIGRATIONS, next])).toEqual([LATEST_VERSION + 1]);
    expect(version(db)).toBe(LATEST_VERSION + 1);
    expect(db.prepare('SELECT id, reviewed FROM annotations').get()).toEqual({ id: annotation.id, reviewed: 0 });
    db.close();
  });

  it('upgrades a frozen version-1 database to 2: conversation ids filled in from the stored records', async () => {
    const db = new Database(path);
    migrate(
      db,
      MIGRATIONS.filter((migration) => migration.version === 1),
    );
    expect(version(db)).toBe(1);
    const rows = [
      makeAnnotation({ site: 'claude', conversationId: 'conv-z', messageId: 'm1' }),
      makeAnnotation({ site: 'chatgpt', conversationId: 'conv-b', messageId: 'm2' }),
      makeAnnotation({ site: 'claude', conversationId: 'conv-z', messageId: 'm3' }),
    ];
    const insert = db.prepare(
      `INSERT INTO annotations (id, seq, key, site, annotator, revision, updated_at, updated_at_ms, deleted_at, device_id, hash, received_at, body)
       VALUES (?, ?, ?, ?, 'ada', 1, ?, 0, NULL, 'd', ?, ?, ?)`,
    );
    rows.forEach((row, index) => {
      insert.run(row.id, index + 1, row.key, row.site, row.updatedAt, `h${index}`, row.updatedAt, JSON.stringify(row));
    });
    db.close();

    const store = openSqliteStore(path);
    expect(store.database.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(store.database.prepare('SELECT conversation_id FROM annotations ORDER BY seq').pluck().all()).toEqual([
      'conv-z',
      'conv-b',
      'conv-z',
    ]);
    const byConversation = (await collect(store.iterateAnnotations({ order: 'conversation' }))).map((a) => a.messageId);
    expect(byConversation).toEqual(['m2', 'm1', 'm3']);
    expect((await collect(store.iterateAnnotations())).map((a) => a.messageId)).toEqual(['m1', 'm2', 'm3']);
    store.close();
  });

  it('rolls a failing migration back entirely and leaves the version where it was', () => {
    const db = new Database(path);
    migrate(db);
    const failing: Migration = {
      version: LATEST_VERSION + 1,
      description: 'test: fails halfway',
      up: (database) => {
        database.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('disk on fire');
      },
    };
    expect(() => migrate(db, [...MIGRATIONS, failing])).toThrow('disk on fire');
    expect(version(db)).toBe(LATEST_VERSION);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a database written by a newer Margin instead of guessing', () => {
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_VERSION + 5}`);
    db.close();
    expect(() => openSqliteStore(path)).toThrow(/newer than this Margin understands/);
  });
});
