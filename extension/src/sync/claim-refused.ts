import { Dexie } from 'dexie';
import type { AppDB } from '../db/app-db.ts';
import type { OutboxEntry, RecordKind, SyncedRecord } from '../db/sync-tables.ts';

/**
 * A team server takes the annotator from the token and refuses, per record, one naming someone else
 * (companion/src/sync/identity.ts answers it with an issue at `annotator`). Records made here before
 * pairing carry the old local name ("me"), so they are all refused once. These helpers find them and,
 * when the person asks, send them under the signed-in name.
 */

/** Whether the only fault the server named in a refused record is its annotator. */
export function isRefusedForAnnotator(entry: OutboxEntry): boolean {
  const issues = entry.issues ?? [];
  return entry.state === 'rejected' && issues.length > 0 && issues.every((issue) => issue.path === 'annotator');
}

/** The refused records whose only fault the server named is their annotator. */
export async function refusedForAnnotator(db: AppDB): Promise<OutboxEntry[]> {
  const rejected = await db.outbox
    .where('[state+queuedAt]')
    .between(['rejected', Dexie.minKey], ['rejected', Dexie.maxKey])
    .toArray();
  return rejected.filter(isRefusedForAnnotator);
}

export interface ClaimReport {
  /** Records now queued under the new name. */
  claimed: number;
  /** Records left refused: this browser already holds the same response (or conversation) under the new name. */
  kept: number;
}

function tableOf(db: AppDB, kind: RecordKind) {
  if (kind === 'annotation') return db.annotations;
  if (kind === 'comparison') return db.comparisons;
  return db.conversationRatings;
}

/**
 * Re-labels the records refused for their annotator as `name` (a new revision each) and queues them.
 * One annotation per response per annotator (the `[key+annotator]` index): a record whose response
 * already has an annotation by `name` here stays refused, and is counted in `kept`.
 */
export async function claimRefused(db: AppDB, name: string, now: Date): Promise<ClaimReport> {
  const entries = await refusedForAnnotator(db);
  const report: ClaimReport = { claimed: 0, kept: 0 };
  const updatedAt = now.toISOString();
  // Names the synced tables and not `outbox`: the outbox middleware queues every version written here.
  await db.transaction('rw', [db.annotations, db.comparisons, db.conversationRatings], async () => {
    for (const entry of entries) {
      const table = tableOf(db, entry.kind);
      const current: SyncedRecord = (await table.get(entry.id)) ?? entry.record;
      if ('key' in current && entry.kind !== 'comparison') {
        const taken = await tableOf(db, entry.kind).where({ key: current.key, annotator: name }).first();
        if (taken && taken.id !== current.id) {
          report.kept += 1;
          continue;
        }
      }
      const claimed = { ...current, annotator: name, revision: current.revision + 1, updatedAt };
      await (table as typeof db.annotations).put(claimed as never);
      report.claimed += 1;
    }
  });
  return report;
}
