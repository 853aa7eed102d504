import { Dexie } from 'dexie';
import {
  type Annotation,
  type AnnotationPushResult,
  type Comparison,
  type ComparisonPushResult,
  type ConversationRating,
  type ConversationRatingPushResult,
  SYNC_LIMITS,
  type SyncPushResponse,
} from '../../../shared/index.ts';
import type { AppDB } from '../db/app-db.ts';
import { countOutbox } from '../db/counts.ts';
import { type OutboxEntry, orderOf } from '../db/sync-tables.ts';
import { applyRemoteVersion, syncTables } from './apply-remote.ts';
import { sameVersion } from './choose-version.ts';
import { nextOrderSeq } from './sync-meta.ts';

export const PUSH_BATCH = {
  /** Records per push (the companion takes up to SYNC_LIMITS.maxRecordsPerPush). */
  records: 200,
  /** Keep a batch to a few MB (docs/sync-protocol.md); one record larger than this goes alone. */
  bytes: 4 * 1024 * 1024,
} as const;

/** The oldest pending entries, within the batch limits. Rejected entries wait for a new edit. */
export async function readBatch(db: AppDB, limits: { records: number; bytes: number } = PUSH_BATCH) {
  const candidates = await db.outbox
    .where('[state+queuedAt]')
    .between(['pending', Dexie.minKey], ['pending', Dexie.maxKey])
    .limit(Math.min(limits.records, SYNC_LIMITS.maxRecordsPerPush))
    .toArray();
  const batch: OutboxEntry[] = [];
  let bytes = 0;
  for (const entry of candidates) {
    // UTF-16 length is a fair estimate of the JSON size for the purpose of keeping batches small.
    const size = JSON.stringify(entry.record).length;
    if (batch.length > 0 && bytes + size > limits.bytes) break;
    batch.push(entry);
    bytes += size;
  }
  return batch;
}

export async function countPending(db: AppDB): Promise<{ pending: number; rejected: number }> {
  return countOutbox(db);
}

export interface PushSettled {
  synced: number;
  superseded: number;
  rejected: number;
  /** Entries a newer local edit replaced while the push was in flight: they stay queued. */
  editedMeanwhile: number;
}

/**
 * Records the companion's answer to a push, in one transaction. An entry leaves the outbox only if
 * it still holds the version that was sent: a newer local edit made while the request was in flight
 * is not marked synced by the older acknowledgement, and is pushed next.
 */
export async function settlePush(db: AppDB, sent: OutboxEntry[], response: SyncPushResponse): Promise<PushSettled> {
  const annotations = sent.filter((entry) => entry.kind === 'annotation');
  const comparisons = sent.filter((entry) => entry.kind === 'comparison');
  checkResults(annotations, response.annotations);
  checkResults(comparisons, response.comparisons);
  const ratings = sent.filter((entry) => entry.kind === 'conversation-rating');
  const ratingResults = response.conversationRatings ?? [];
  checkResults(ratings, ratingResults);
  const settled: PushSettled = { synced: 0, superseded: 0, rejected: 0, editedMeanwhile: 0 };
  const pairs: [OutboxEntry, AnnotationPushResult | ComparisonPushResult | ConversationRatingPushResult][] = [
    ...annotations.map((entry, index) => [entry, response.annotations[index]] as [OutboxEntry, AnnotationPushResult]),
    ...comparisons.map((entry, index) => [entry, response.comparisons[index]] as [OutboxEntry, ComparisonPushResult]),
    ...ratings.map((entry, index) => [entry, ratingResults[index]] as [OutboxEntry, ConversationRatingPushResult]),
  ];
  await db.transaction('rw', syncTables(db), async () => {
    for (const [entry, result] of pairs) {
      const current = await db.outbox.get([entry.kind, entry.id]);
      const unchangedSince = current !== undefined && sameVersion(current.record, entry.record);
      if (!unchangedSince) settled.editedMeanwhile += 1;
      switch (result.status) {
        case 'accepted':
        case 'unchanged':
          if (unchangedSince) {
            await db.outbox.delete([entry.kind, entry.id]);
            settled.synced += 1;
          }
          // The companion just gave it the highest sequence number: it moves to the end of the export order.
          if (result.status === 'accepted') {
            await db.recordOrder.put(orderOf(entry.kind, entry.record, await nextOrderSeq(db)));
          }
          break;
        case 'superseded':
          if (unchangedSince) await db.outbox.delete([entry.kind, entry.id]);
          if (result.current) await applyRemoteVersion(db, entry.kind, result.current, { moveToEndOfOrder: false });
          settled.superseded += 1;
          break;
        case 'rejected':
          if (unchangedSince) {
            await db.outbox.put({ ...entry, state: 'rejected', issues: result.issues ?? [] });
            settled.rejected += 1;
          }
          break;
      }
    }
  });
  return settled;
}

/** A 2xx whose results do not match what was sent is not an acknowledgement of anything. */
function checkResults(sent: OutboxEntry[], results: { index: number; id: string | null }[]): void {
  const matches =
    results.length === sent.length &&
    results.every((result, index) => result.index === index && (result.id === null || result.id === sent[index]?.id));
  if (!matches)
    throw new PushResultMismatch(`the companion answered ${results.length} results for ${sent.length} records`);
}

export class PushResultMismatch extends Error {
  override name = 'PushResultMismatch';
}

/**
 * Queues every record this profile holds that is not queued already: after pairing with another
 * companion, it receives everything (records it has answer `unchanged`, so this is safe to repeat).
 */
export async function queueEverything(db: AppDB, now: number): Promise<number> {
  let queued = 0;
  await db.transaction('rw', syncTables(db), async () => {
    for (const [kind, table] of [
      ['annotation', db.annotations],
      ['comparison', db.comparisons],
      ['conversation-rating', db.conversationRatings],
    ] as const) {
      const records: (Annotation | Comparison | ConversationRating)[] = await table.toArray();
      const existing = new Set(
        (await db.outbox.where('[kind+id]').between([kind, Dexie.minKey], [kind, Dexie.maxKey]).primaryKeys()).map(
          (key) => key[1],
        ),
      );
      const entries: OutboxEntry[] = records
        .filter((record) => !existing.has(record.id))
        .map((record) => ({ kind, id: record.id, record, state: 'pending', queuedAt: now }));
      await db.outbox.bulkPut(entries);
      queued += entries.length;
    }
  });
  return queued;
}

/**
 * Gives every refused entry another push: after pairing with another server or token, what one
 * refused (another annotator's name, a role that may not write) may be welcome at the next.
 */
export async function requeueRejected(db: AppDB): Promise<number> {
  return db.outbox
    .where('[state+queuedAt]')
    .between(['rejected', Dexie.minKey], ['rejected', Dexie.maxKey])
    .modify((entry: OutboxEntry) => {
      entry.state = 'pending';
      delete entry.issues;
    });
}
