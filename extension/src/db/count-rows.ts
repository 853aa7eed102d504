/**
 * The count rows' keys and how the popup's figures are summed from them, without Dexie: the popup
 * reads them straight from IndexedDB on its first paint (read-counts-directly.ts), Dexie's path
 * (counts.ts) reads the same rows. Kept by counts-middleware.ts (issue 17).
 */

export interface CountRow {
  key: string;
  count: number;
}

/** Present once the rows were built from the tables; without it the rows are rebuilt before use. */
export const COUNTS_BUILT = 'built';
export const SITE = 'site:';
export const CREATED = 'created:';
export const OUTBOX_PENDING = 'outbox:pending';
export const OUTBOX_REJECTED = 'outbox:rejected';
/** Above every character a key uses: `[SITE, SITE + KEY_END]` holds every site's row (Dexie's `startsWith`). */
export const KEY_END = '\uffff';

/**
 * Live annotations are counted per creation quarter-hour (UTC) so that "today" is a sum over today's
 * buckets: every time zone's midnight falls on a quarter-hour, so the sum equals a count of
 * `createdAt ≥ midnight` exactly.
 */
const BUCKET_MS = 15 * 60_000;

export function createdBucketKey(ms: number): string {
  return `${CREATED}${new Date(Math.floor(ms / BUCKET_MS) * BUCKET_MS).toISOString()}`;
}

/** The first of today's creation buckets; "today" starts at local midnight of `now`. */
export function todayBucketKey(now: Date): string {
  return createdBucketKey(new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime());
}

export interface AnnotationCounts {
  total: number;
  today: number;
  bySite: Record<string, number>;
}

/** The popup's figures from the sites' rows and the creation buckets from `today` on. */
export function sumCounts(rows: readonly CountRow[], today: string): AnnotationCounts {
  const bySite: Record<string, number> = {};
  let total = 0;
  let todays = 0;
  for (const row of rows) {
    if (row.key.startsWith(SITE) && row.count > 0) {
      bySite[row.key.slice(SITE.length)] = row.count;
      total += row.count;
    } else if (row.key.startsWith(CREATED) && row.key >= today) todays += row.count;
  }
  return { total, today: todays, bySite };
}
