import type { Table } from 'dexie';
import { canonicalJson } from '../../../shared/canonical-json.ts';
import type { Annotation, ConversationRating, SyncPullResponse } from '../../../shared/index.ts';
import type { AppDB } from '../db/app-db.ts';
import { orderOf, type RecordKind, type SyncedRecord } from '../db/sync-tables.ts';
import { type Choice, chooseVersion } from './choose-version.ts';
import { nextOrderSeq, writeMeta } from './sync-meta.ts';

/** Every table a sync transaction touches. Naming `outbox` keeps the outbox middleware out of it. */
export function syncTables(db: AppDB) {
  return [db.annotations, db.comparisons, db.conversationRatings, db.outbox, db.recordOrder, db.syncMeta];
}

export function recordTable(db: AppDB, kind: RecordKind): Table<SyncedRecord, string> {
  const table = {
    annotation: db.annotations,
    comparison: db.comparisons,
    'conversation-rating': db.conversationRatings,
  }[kind];
  return table as unknown as Table<SyncedRecord, string>;
}

/**
 * `conflicting-key`: the version is another annotation of a response this profile's annotator has
 * annotated here too (same key and annotator, another id: two profiles annotated the same response).
 * One annotation per response per annotator is what the controls show, so the local one stays; the
 * other stays on the companion, which exports both.
 */
export type ApplyOutcome = Choice | 'conflicting-key';

/**
 * Applies one version that came from the companion (a pull, or the winner of a `superseded` push)
 * under the conflict rule. Call inside a read-write transaction over `syncTables(db)`.
 *
 * A pending outbox entry holding a local edit that loses stays queued: it is pushed once, and the
 * companion keeps it in its history, so a losing edit is recorded rather than silently dropped.
 */
export async function applyRemoteVersion(
  db: AppDB,
  kind: RecordKind,
  remote: SyncedRecord,
  options: { moveToEndOfOrder: boolean },
): Promise<ApplyOutcome> {
  const table = recordTable(db, kind);
  const [local, entry] = await Promise.all([table.get(remote.id), db.outbox.get([kind, remote.id])]);
  const choice = chooseVersion(local, remote, entry?.state === 'pending');
  if (choice === 'remote') {
    if (kind === 'annotation') {
      const { key, annotator } = remote as Annotation;
      const holder = await db.annotations.where('[key+annotator]').equals([key, annotator]).first();
      if (holder && holder.id !== remote.id) return 'conflicting-key';
    }
    if (kind === 'conversation-rating') {
      // As annotations: one rating per conversation per person here; another profile's stays on the companion.
      const { key, annotator } = remote as ConversationRating;
      const holder = await db.conversationRatings.where('[key+annotator]').equals([key, annotator]).first();
      if (holder && holder.id !== remote.id) return 'conflicting-key';
    }
    await table.put(remote);
    // A rejected edit is replaced by a valid version: nothing is left to show or retry.
    if (entry?.state === 'rejected') await db.outbox.delete([kind, remote.id]);
  }
  // The companion already holds the queued version: nothing left to push.
  if (entry && canonicalJson(entry.record) === canonicalJson(remote)) await db.outbox.delete([kind, remote.id]);
  if (options.moveToEndOfOrder) await db.recordOrder.put(orderOf(kind, remote, await nextOrderSeq(db)));
  return choice;
}

export interface PullApplied {
  applied: number;
  keptLocal: number;
  conflictingKeys: number;
}

/**
 * Applies one pull page and stores its checkpoint in the same transaction, so a worker stopped at
 * any point leaves either the page and its checkpoint or neither (then the page is pulled again).
 * Records arrive in the companion's sequence order; each moves to the end of the export order.
 */
export async function applyPulledPage(db: AppDB, page: SyncPullResponse): Promise<PullApplied> {
  const result: PullApplied = { applied: 0, keptLocal: 0, conflictingKeys: 0 };
  const count = (outcome: ApplyOutcome) => {
    if (outcome === 'remote') result.applied += 1;
    else if (outcome === 'local') result.keptLocal += 1;
    else if (outcome === 'conflicting-key') result.conflictingKeys += 1;
  };
  await db.transaction('rw', syncTables(db), async () => {
    // Pull pages list annotations and comparisons apart; comparisons name annotations, so those go first.
    for (const annotation of page.annotations) {
      count(await applyRemoteVersion(db, 'annotation', annotation, { moveToEndOfOrder: true }));
    }
    for (const comparison of page.comparisons) {
      count(await applyRemoteVersion(db, 'comparison', comparison, { moveToEndOfOrder: true }));
    }
    for (const rating of page.conversationRatings ?? []) {
      count(await applyRemoteVersion(db, 'conversation-rating', rating, { moveToEndOfOrder: true }));
    }
    await writeMeta(db, 'checkpoint', page.checkpoint);
  });
  return result;
}
