import { Dexie } from 'dexie';
import { AppDB } from '../../extension/src/db/app-db.ts';
import { applyPulledPage } from '../../extension/src/sync/apply-remote.ts';
import {
  type CompanionClient,
  createCompanionClient,
  type FetchLike,
} from '../../extension/src/sync/companion-client.ts';
import { readBatch, settlePush } from '../../extension/src/sync/outbox.ts';
import { readMeta, writeMeta } from '../../extension/src/sync/sync-meta.ts';
import { syncOnce } from '../../extension/src/sync/sync-once.ts';
import { type Annotation, SYNC_LIMITS, type SyncPushRequest } from '../../shared/index.ts';
import { makeAnnotation } from './annotation-factory.ts';

/**
 * One browser profile for sync properties: the extension's real IndexedDB schema (fake-indexeddb),
 * its outbox middleware, and its real push, settle, pull and apply code, talking to a real companion
 * over HTTP. A test drives each step itself, so it can lose an answer, hold a request back, or send
 * it twice.
 */
export interface Replica {
  readonly name: string;
  readonly deviceId: string;
  readonly annotator: string;
  readonly db: AppDB;
  readonly client: CompanionClient;
}

/** Every push body the companion answered 200, with the device that sent it, in the order it arrived. */
export type PushLog = SyncPushRequest[];

/** A fetch that notes every push the companion acknowledged (whether or not its answer is then used). */
export function recordingFetch(log: PushLog): FetchLike {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.ok && new URL(input).pathname === '/api/v1/sync/push' && typeof init.body === 'string') {
      log.push(JSON.parse(init.body) as SyncPushRequest);
    }
    return response;
  };
}

export async function openReplica(options: {
  name: string;
  deviceId: string;
  annotator: string;
  url: string;
  token: string;
  fetch: FetchLike;
  /** Where this profile's pulls start: the companion's checkpoint when it was paired. */
  checkpoint: number;
}): Promise<Replica> {
  const db = new AppDB(options.name);
  await writeMeta(db, 'checkpoint', options.checkpoint);
  await writeMeta(db, 'deviceId', options.deviceId);
  return {
    name: options.name,
    deviceId: options.deviceId,
    annotator: options.annotator,
    db,
    client: createCompanionClient({ url: options.url, token: options.token }, options.fetch),
  };
}

export async function closeReplica(replica: Replica): Promise<void> {
  replica.db.close();
  await Dexie.delete(replica.name);
}

/**
 * A person's edit in this profile, saved the way the extension saves (a put the outbox middleware
 * queues): a new record if the profile has none with this id, else its next revision. A deleted
 * record is not edited (the panel offers no edit of it). Returns the saved version.
 */
export async function editLocally(
  replica: Replica,
  id: string,
  change: { score: number; comment: string; at: string; delete: boolean },
): Promise<Annotation | undefined> {
  const local = await replica.db.annotations.get(id);
  if (local?.deletedAt != null) return undefined;
  if (local === undefined && change.delete) return undefined;
  const base =
    local ??
    makeAnnotation({
      id,
      conversationId: `convergence-${id.slice(-6)}`,
      messageId: `m-${id}`,
      annotator: replica.annotator,
      createdAt: change.at,
      revision: 0,
    });
  const version: Annotation = {
    ...base,
    revision: base.revision + 1,
    score: change.score,
    comment: change.comment,
    updatedAt: change.at,
    deletedAt: change.delete ? change.at : null,
  };
  await replica.db.annotations.put(version);
  return version;
}

/** The push request for the profile's next outbox batch, as syncOnce builds it (annotations only here). */
export async function nextPush(replica: Replica) {
  const batch = await readBatch(replica.db);
  const request: SyncPushRequest = {
    deviceId: replica.deviceId,
    annotations: batch.map((entry) => entry.record as Annotation),
    comparisons: [],
  };
  return { batch, request };
}

/** Pushes the next batch; `answer: false` is a request that reached the companion but whose answer was lost. */
export async function pushOnce(replica: Replica, answer: boolean): Promise<void> {
  const { batch, request } = await nextPush(replica);
  if (batch.length === 0) return;
  const response = await replica.client.push(request);
  if (answer) await settlePush(replica.db, batch, response);
}

/** The pull half of a sync run: every page since the stored checkpoint, applied with its checkpoint. */
export async function pullAll(replica: Replica): Promise<void> {
  let since = (await readMeta(replica.db, 'checkpoint')) ?? 0;
  for (;;) {
    const page = await replica.client.pull(since, SYNC_LIMITS.maxPullLimit);
    await applyPulledPage(replica.db, page);
    since = page.checkpoint;
    if (!page.hasMore) return;
  }
}

/** A whole sync run (the engine's syncOnce: push everything, then pull). */
export function syncReplica(replica: Replica) {
  return syncOnce(replica.db, replica.client, replica.deviceId);
}

export async function pendingCount(replica: Replica): Promise<number> {
  return replica.db.outbox.count();
}
