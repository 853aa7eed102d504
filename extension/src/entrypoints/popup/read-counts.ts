import type { AnnotationCounts } from '../../db/count-rows.ts';
import { readCountsDirectly } from '../../db/read-counts-directly.ts';

/**
 * The popup's counts: straight from IndexedDB when the database is ready for it (the usual case),
 * else through Dexie, whose code then loads (a new profile, an upgrade, rows to rebuild).
 */
export async function readCounts(now: Date): Promise<AnnotationCounts> {
  const counts = await readCountsDirectly(now);
  if (counts) return counts;
  const [{ getDb }, { countAnnotations }] = await Promise.all([
    import('../../db/connection.ts'),
    import('../../db/counts.ts'),
  ]);
  return countAnnotations(getDb(), now);
}
