import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AppliedChangeSet, ApplyOptions, ChangeSet } from '../storage/store.ts';

/**
 * Records a push writes per transaction, by store. better-sqlite3 runs a transaction on the event
 * loop, so while one commits nothing else is served: a 200-record push held every reader (the
 * dashboard, a pull, a review waiter) for its whole transaction, 0.5–1 s on a loaded machine. In turns
 * of 50, readers wait for one turn. PostgreSQL's transactions run off the event loop: one per push.
 */
export const PUSH_TRANSACTION_RECORDS = { sqlite: 50, postgres: Number.POSITIVE_INFINITY } as const;

/**
 * Applies a push in transactions of at most `recordsPerTransaction` records (annotations, then
 * comparisons, then conversation ratings, in the order sent), letting the event loop serve what is
 * waiting between two. Every turn but the last commits without waiting for the disk (`flush: false`:
 * it survives a kill of the process, not yet a power loss); the last one's flush makes them all
 * durable, so the fsync is paid once per push, as when a push was one transaction. The caller
 * answers only once the last turn has committed, so an answered push is wholly durable. A push cut off (a kill, a full disk) may be stored in part: unanswered, its records
 * stay in the client's outbox and are sent again, and a replay of a stored version is `unchanged`
 * (docs/sync-protocol.md, "Push"). Each record still goes through the conflict rule on its own, as it
 * does inside one transaction; another writer's turn may come between two of ours, as another push
 * could have come just before or after.
 */
export async function applyInTurns(
  store: { applyChanges(changes: ChangeSet, options?: ApplyOptions): Promise<AppliedChangeSet> },
  changes: ChangeSet,
  recordsPerTransaction: number,
): Promise<AppliedChangeSet> {
  const ratings = changes.conversationRatings ?? [];
  const total = changes.annotations.length + changes.comparisons.length + ratings.length;
  if (total <= recordsPerTransaction) return store.applyChanges(changes);
  const size = Math.max(1, Math.floor(recordsPerTransaction));
  const applied: AppliedChangeSet = { annotations: [], comparisons: [], conversationRatings: [], checkpoint: 0 };
  const counts: Triple<number> = [changes.annotations.length, changes.comparisons.length, ratings.length];
  for (let start = 0; start < total; start += size) {
    if (start > 0) await nextTurn();
    // The slice [start, start + size) of the three lists laid end to end.
    const [a, c, r] = slices(counts, start, start + size);
    const turn = await store.applyChanges(
      {
        deviceId: changes.deviceId,
        receivedAt: changes.receivedAt,
        annotations: changes.annotations.slice(...a),
        comparisons: changes.comparisons.slice(...c),
        ...(changes.conversationRatings === undefined ? {} : { conversationRatings: ratings.slice(...r) }),
      },
      // One fsync per push, not per turn: the last turn's flush makes the earlier turns durable too.
      { flush: start + size >= total },
    );
    applied.annotations.push(...turn.annotations);
    applied.comparisons.push(...turn.comparisons);
    applied.conversationRatings.push(...turn.conversationRatings);
    // Sequence numbers only grow: the last turn's checkpoint is at least every earlier one's.
    applied.checkpoint = Math.max(applied.checkpoint, turn.checkpoint);
  }
  return applied;
}

type Triple<T> = [T, T, T];

/** For three lists of `counts` laid end to end, the [from, to) of each that falls in [start, end). */
function slices(counts: Triple<number>, start: number, end: number): Triple<[number, number]> {
  const within = (count: number, offset: number): [number, number] => [
    Math.min(Math.max(start - offset, 0), count),
    Math.min(Math.max(end - offset, 0), count),
  ];
  const [a, c] = counts;
  return [within(counts[0], 0), within(counts[1], a), within(counts[2], a + c)];
}
