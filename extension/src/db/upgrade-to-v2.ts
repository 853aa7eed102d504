import type { Transaction } from 'dexie';
import type { Annotation } from '../../../shared/index.ts';
import { type OutboxEntry, orderOf, type RecordOrder } from './sync-tables.ts';

/**
 * Version 2 of the database brings sync. Every annotation saved before it has never reached a
 * companion, so each is queued for push, and each gets its place in the export order (the order it
 * was last changed in, as the companion would have numbered it). Runs inside the upgrade transaction.
 */
export async function queueExistingAnnotations(tx: Transaction): Promise<void> {
  const annotations = (await tx.table<Annotation>('annotations').toArray()).sort(
    (a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const queuedAt = Date.now();
  const entries: OutboxEntry[] = annotations.map((record) => ({
    kind: 'annotation',
    id: record.id,
    record,
    state: 'pending',
    queuedAt,
  }));
  const orders: RecordOrder[] = annotations.map((record, index) => orderOf('annotation', record, index + 1));
  await tx.table('outbox').bulkPut(entries);
  await tx.table('recordOrder').bulkPut(orders);
  await tx.table('syncMeta').put({ key: 'orderCounter', value: annotations.length });
}
