import type { ItemStore } from '../storage/item-store.ts';

/**
 * How a run that nobody is carrying on any more is told apart from one in progress, with one
 * database shared by several companions (PostgreSQL) as well as with one SQLite file: the process
 * importing touches its run at least every RUN_HEARTBEAT_MS, and a `running` run untouched for
 * RUN_LEASE_MS has lost its process (killed, crashed, the machine stopped). Only time is compared,
 * never process ids, which mean nothing on another machine. The lease is long beside the heartbeat
 * so a loaded machine's slow batch does not pass for a dead import (and if it ever did, the live
 * process's next heartbeat sets its run back to `running`).
 */
export const RUN_HEARTBEAT_MS = 5_000;
export const RUN_LEASE_MS = 60_000;

export const ABANDONED_RUN_ERROR =
  'The import stopped without finishing (its process ended: killed, crashed or the machine stopped). ' +
  'What it stored is whole; import the same file again to finish.';

/** Marks every run whose lease has expired at `now` as interrupted; returns how many. */
export function interruptAbandonedRuns(items: ItemStore, now: Date): Promise<number> {
  return items.interruptStaleRuns(new Date(now.getTime() - RUN_LEASE_MS), now, ABANDONED_RUN_ERROR);
}

/** Whether a stored run reads as running but its lease has expired at `now`. */
export function isAbandoned(run: { status: string; updatedAt: string }, now: Date): boolean {
  return run.status === 'running' && Date.parse(run.updatedAt) < now.getTime() - RUN_LEASE_MS;
}
