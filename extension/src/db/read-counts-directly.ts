import {
  type AnnotationCounts,
  COUNTS_BUILT,
  type CountRow,
  CREATED,
  KEY_END,
  SITE,
  sumCounts,
  todayBucketKey,
} from './count-rows.ts';
import { DATABASE_NAME, DATABASE_VERSION } from './database-name.ts';
import { NewerDatabaseError } from './open-errors.ts';

/**
 * The popup's counts read with IndexedDB itself, so its first paint waits for neither Dexie's code
 * (100 KB to evaluate) nor Dexie's open (issue 17). Resolves `undefined` whenever Dexie has work to do
 * first: no database yet, an older version to upgrade, count rows never built. The caller then counts
 * through Dexie (counts.ts), as before. A database a newer Margin upgraded is refused with the same
 * error, by the same rule, as AppDB's own check, and left as it was.
 */
export function readCountsDirectly(
  now: Date,
  factory: IDBFactory = indexedDB,
  name = DATABASE_NAME,
): Promise<AnnotationCounts | undefined> {
  const today = todayBucketKey(now);
  return new Promise((resolve, reject) => {
    // No version asked for: an existing database opens as it is, never upgraded or blocked here.
    const request = factory.open(name);
    // Only a database that did not exist gets here: abort, so it is not created at version 1 and
    // Dexie creates it as a new one.
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onerror = () => resolve(undefined);
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => db.close();
      const found = db.version / 10;
      if (found !== DATABASE_VERSION) {
        db.close();
        if (found > DATABASE_VERSION) reject(new NewerDatabaseError(found, DATABASE_VERSION));
        else resolve(undefined);
        return;
      }
      const rows: CountRow[] = [];
      let built = false;
      const fallBack = () => {
        db.close();
        resolve(undefined);
      };
      try {
        const transaction = db.transaction('counts', 'readonly');
        const counts = transaction.objectStore('counts');
        const marker = counts.get(COUNTS_BUILT);
        marker.onsuccess = () => {
          built = marker.result !== undefined;
        };
        for (const range of [IDBKeyRange.bound(SITE, SITE + KEY_END), IDBKeyRange.bound(today, CREATED + KEY_END)]) {
          const read = counts.getAll(range);
          read.onsuccess = () => rows.push(...(read.result as CountRow[]));
        }
        transaction.oncomplete = () => {
          db.close();
          resolve(built ? sumCounts(rows, today) : undefined);
        };
        transaction.onabort = fallBack;
      } catch {
        fallBack(); // no `counts` store: a database Dexie must look at first
      }
    };
  });
}
