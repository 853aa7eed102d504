import type { Transaction } from 'dexie';
// Loaded by app-db.ts only when this upgrade runs: the annotation schemas (zod) stay off the popup's
// first paint (issue 17, docs/benchmarks.md).
import { type Annotation, upgradeAnnotation } from '../../../shared/annotation.ts';
import type { OutboxEntry } from './sync-tables.ts';

/**
 * Version 3 of the database brings annotation schema v2 (`reasoning`, completeness metadata). Every
 * stored version-1 annotation is rewritten as version 2, and so is each version waiting in the outbox
 * (the companion would upgrade it anyway; sending version 2 keeps the local copy and the pushed one
 * alike). Nothing is queued: the companion upgrades its own copies the same way (SQLite migration 5).
 * Runs inside the upgrade transaction, so a failure leaves the database at version 2.
 */
export async function upgradeAnnotationsToV2(tx: Transaction): Promise<void> {
  await tx
    .table<Annotation>('annotations')
    .toCollection()
    .modify((row, ref) => {
      const upgraded = upgradeAnnotation(row);
      if (upgraded !== row) ref.value = upgraded;
    });
  await tx
    .table<OutboxEntry>('outbox')
    .filter((entry) => entry.kind === 'annotation')
    .modify((entry) => {
      entry.record = upgradeAnnotation(entry.record as Annotation);
    });
}
