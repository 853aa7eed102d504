import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { saveAnnotation } from '../../extension/src/db/annotations.ts';
import { AppDB } from '../../extension/src/db/app-db.ts';
import { getDb } from '../../extension/src/db/connection.ts';
import { COUNTS_BUILT, countAnnotations } from '../../extension/src/db/counts.ts';
import { DATABASE_NAME, DATABASE_VERSION } from '../../extension/src/db/database-name.ts';
import { databaseErrorText } from '../../extension/src/db/open-errors.ts';
import { readCountsDirectly } from '../../extension/src/db/read-counts-directly.ts';
import { readCounts } from '../../extension/src/entrypoints/popup/read-counts.ts';

/**
 * The popup's first paint reads its counts straight from IndexedDB (db/read-counts-directly.ts) and
 * counts through Dexie only when the database needs Dexie first. The direct read must give Dexie's
 * figures, step aside whenever Dexie has work to do, and refuse a newer database as AppDB does.
 */

const NOW = new Date('2026-09-01T15:00:00.000Z');
const names: string[] = [];
const freshName = () => {
  const name = `margin-direct-${Math.random()}`;
  names.push(name);
  return name;
};
afterEach(async () => {
  for (const name of names.splice(0)) await Dexie.delete(name);
});

async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((info) => info.name ?? '');
}

async function fill(db: AppDB): Promise<void> {
  let ids = 0;
  const saves = [
    { site: 'chatgpt', message: 1, at: NOW.getTime() - 3 * 86_400_000 },
    { site: 'chatgpt', message: 2, at: NOW.getTime() - 60_000 },
    { site: 'claude', message: 3, at: NOW.getTime() - 120_000 },
    { site: 'gemini', message: 4, at: NOW.getTime() - 2 * 86_400_000 },
  ];
  for (const save of saves) {
    await saveAnnotation(
      db,
      {
        capture: {
          site: save.site,
          url: 'https://example.com/c/conv-1',
          conversationId: 'conv-1',
          messageId: `msg-${save.message}`,
          model: 'gpt-5',
          modelSource: 'message',
          context: [{ role: 'user', content: 'Hi' }],
          response: `Answer ${save.message}`,
          variant: null,
          missingContextTurns: 0,
        },
        changes: { thumb: 'up' },
      },
      {
        annotator: 'ada',
        defaultTags: [],
        now: () => new Date(save.at),
        newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
      },
    );
  }
}

describe('the popup reading its counts without Dexie', () => {
  it('gives the figures Dexie gives, from a database Margin wrote', async () => {
    const db = new AppDB(freshName());
    await fill(db);
    const throughDexie = await countAnnotations(db, NOW);
    expect(throughDexie).toEqual({ total: 4, today: 2, bySite: { chatgpt: 2, claude: 1, gemini: 1 } });
    expect(await readCountsDirectly(NOW, indexedDB, db.name)).toEqual(throughDexie);
    db.close();
  });

  it('steps aside for a database that does not exist yet, and leaves none behind for Dexie to meet', async () => {
    const name = freshName();
    expect(await readCountsDirectly(NOW, indexedDB, name)).toBeUndefined();
    expect(await databaseNames()).not.toContain(name);
    const db = new AppDB(name);
    expect(await countAnnotations(db, NOW)).toEqual({ total: 0, today: 0, bySite: {} });
    db.close();
  });

  it('steps aside when the count rows were never built, so Dexie rebuilds them', async () => {
    const db = new AppDB(freshName());
    await fill(db);
    await db.counts.delete(COUNTS_BUILT);
    expect(await readCountsDirectly(NOW, indexedDB, db.name)).toBeUndefined();
    expect((await countAnnotations(db, NOW)).total).toBe(4);
    expect(await readCountsDirectly(NOW, indexedDB, db.name)).toEqual(await countAnnotations(db, NOW));
    db.close();
  });

  it('steps aside for an older version and leaves it for Dexie to upgrade', async () => {
    const name = freshName();
    const older = new Dexie(name);
    older.version(5).stores({ annotations: 'id, site, createdAt' });
    await older.open();
    older.close();
    expect(await readCountsDirectly(NOW, indexedDB, name)).toBeUndefined();
    const db = new AppDB(name);
    expect(await countAnnotations(db, NOW)).toEqual({ total: 0, today: 0, bySite: {} });
    expect(db.backendDB().version).toBe(DATABASE_VERSION * 10);
    db.close();
  });

  it('refuses a database a newer Margin upgraded, in the words AppDB uses, and leaves it as it was', async () => {
    const name = freshName();
    const newer = new Dexie(name);
    newer.version(DATABASE_VERSION + 1).stores({ counts: 'key', somethingNew: 'id' });
    await newer.table('counts').bulkPut([
      { key: COUNTS_BUILT, count: 1 },
      { key: 'site:chatgpt', count: 3 },
    ]);
    newer.close();
    const refusal = await readCountsDirectly(NOW, indexedDB, name).then(
      () => null,
      (error: unknown) => error,
    );
    expect(databaseErrorText(refusal)).toBe(
      `Your annotations were saved by a newer version of Margin (database version ${DATABASE_VERSION + 1}; this Margin knows up to version ${DATABASE_VERSION}). Update Margin to read them; nothing was changed or deleted.`,
    );
    const again = new Dexie(name);
    await again.open();
    expect(again.verno).toBe(DATABASE_VERSION + 1);
    expect(await again.table('counts').count()).toBe(2);
    again.close();
  });

  it('knows the version AppDB declares last', () => {
    const db = new AppDB(freshName());
    expect(db.verno).toBe(DATABASE_VERSION);
  });

  it('reads through Dexie when it must (a new profile), then directly once Dexie has built the database', async () => {
    names.push(DATABASE_NAME);
    expect(await databaseNames()).not.toContain(DATABASE_NAME);
    expect(await readCounts(NOW)).toEqual({ total: 0, today: 0, bySite: {} });
    await fill(getDb());
    expect(await readCountsDirectly(NOW)).toEqual({ total: 4, today: 2, bySite: { chatgpt: 2, claude: 1, gemini: 1 } });
    expect(await readCounts(NOW)).toEqual({ total: 4, today: 2, bySite: { chatgpt: 2, claude: 1, gemini: 1 } });
    getDb().close();
  });
});
