import type { Annotation, Comparison, ConversationRating } from '../../../shared/index.ts';
import { SYNC_LIMITS } from '../../../shared/index.ts';
import type { AppDB } from '../db/app-db.ts';
import { applyPulledPage } from './apply-remote.ts';
import { type CompanionClient, CompanionError } from './companion-client.ts';
import { PUSH_BATCH, PushResultMismatch, readBatch, settlePush } from './outbox.ts';
import { readMeta } from './sync-meta.ts';

export interface SyncReport {
  pushed: number;
  synced: number;
  superseded: number;
  rejected: number;
  pulled: number;
  keptLocal: number;
  conflictingKeys: number;
  checkpoint: number;
}

/** Bounds one run, so a record edited non-stop cannot keep a worker busy forever. */
const MAX_ROUNDS = 1_000;

/**
 * One sync run (docs/sync-protocol.md, "Client loop"): push the outbox in batches, then pull from the
 * stored checkpoint until the companion has nothing more. Every step commits to IndexedDB before the
 * next request, so the worker may be stopped anywhere: a push whose answer never arrived is sent
 * again (the companion answers `unchanged`), a page not applied is pulled again.
 */
export async function syncOnce(db: AppDB, client: CompanionClient, deviceId: string): Promise<SyncReport> {
  const report: SyncReport = {
    pushed: 0,
    synced: 0,
    superseded: 0,
    rejected: 0,
    pulled: 0,
    keptLocal: 0,
    conflictingKeys: 0,
    checkpoint: 0,
  };
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const batch = await readBatch(db, PUSH_BATCH);
    if (batch.length === 0) break;
    const ratings = batch.filter((entry) => entry.kind === 'conversation-rating');
    const response = await client.push({
      deviceId,
      annotations: batch.filter((entry) => entry.kind === 'annotation').map((entry) => entry.record as Annotation),
      comparisons: batch.filter((entry) => entry.kind === 'comparison').map((entry) => entry.record as Comparison),
      // Only when there are some, so a batch without them is the push a protocol-1 companion knows.
      ...(ratings.length > 0 && { conversationRatings: ratings.map((entry) => entry.record as ConversationRating) }),
    });
    let settled: Awaited<ReturnType<typeof settlePush>>;
    try {
      settled = await settlePush(db, batch, response);
    } catch (error) {
      if (error instanceof PushResultMismatch) throw new CompanionError('invalid-response', error.message);
      throw error;
    }
    report.pushed += batch.length;
    report.synced += settled.synced;
    report.superseded += settled.superseded;
    report.rejected += settled.rejected;
  }
  let since = (await readMeta(db, 'checkpoint')) ?? 0;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const page = await client.pull(since, SYNC_LIMITS.maxPullLimit);
    if (page.checkpoint < since || (page.hasMore && page.checkpoint === since)) {
      throw new CompanionError(
        'invalid-response',
        `the companion's checkpoint went from ${since} to ${page.checkpoint}`,
      );
    }
    const applied = await applyPulledPage(db, page);
    report.pulled += page.annotations.length + page.comparisons.length + (page.conversationRatings?.length ?? 0);
    report.keptLocal += applied.keptLocal;
    report.conflictingKeys += applied.conflictingKeys;
    since = page.checkpoint;
    if (!page.hasMore) break;
  }
  report.checkpoint = since;
  return report;
}
