import type { AppDB } from '../db/app-db.ts';
import { type SyncMetaKey, type SyncMetaValue, syncMetaSchemas } from './sync-state.ts';

/** Reads one sync state row; a missing or malformed value reads as undefined. */
export async function readMeta<K extends SyncMetaKey>(db: AppDB, key: K): Promise<SyncMetaValue<K> | undefined> {
  const row = await db.syncMeta.get(key);
  if (row === undefined) return undefined;
  const parsed = syncMetaSchemas[key].safeParse(row.value);
  return parsed.success ? (parsed.data as SyncMetaValue<K>) : undefined;
}

export async function writeMeta<K extends SyncMetaKey>(db: AppDB, key: K, value: SyncMetaValue<K>): Promise<void> {
  await db.syncMeta.put({ key, value: syncMetaSchemas[key].parse(value) });
}

/** This browser profile's device id, created once (a UUID) and kept in IndexedDB. */
export async function getDeviceId(db: AppDB, newId: () => string = () => crypto.randomUUID()): Promise<string> {
  return db.transaction('rw', db.syncMeta, async () => {
    const existing = await readMeta(db, 'deviceId');
    if (existing) return existing;
    const created = newId();
    await writeMeta(db, 'deviceId', created);
    return created;
  });
}

/** Takes the next value of the export-order counter; call inside a transaction that includes syncMeta. */
export async function nextOrderSeq(db: AppDB): Promise<number> {
  const next = ((await readMeta(db, 'orderCounter')) ?? 0) + 1;
  await writeMeta(db, 'orderCounter', next);
  return next;
}
