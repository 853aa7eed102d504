import type { ApiIssue } from '../../../shared/index.ts';
import type { AppDB } from '../db/app-db.ts';
import { countPending } from './outbox.ts';
import { readMeta } from './sync-meta.ts';
import { INITIAL_SYNC_STATE, type SyncState } from './sync-state.ts';

export interface SyncStatus {
  paired: boolean;
  pending: number;
  rejected: number;
  /** The first rejected record's issues, to say what the companion refused. */
  firstRejection: ApiIssue[] | null;
  state: SyncState;
}

/** Everything the popup shows about sync, read from IndexedDB (the background writes it). */
export async function readSyncStatus(db: AppDB): Promise<SyncStatus> {
  const [companion, state, counts, rejectedEntry] = await Promise.all([
    readMeta(db, 'companion'),
    readMeta(db, 'state'),
    countPending(db),
    db.outbox.where('[state+queuedAt]').between(['rejected', -Infinity], ['rejected', Infinity]).first(),
  ]);
  return {
    paired: companion !== undefined,
    ...counts,
    firstRejection: rejectedEntry?.issues ?? null,
    state: state ?? INITIAL_SYNC_STATE,
  };
}

export interface SyncStatusView {
  tone: 'ok' | 'pending' | 'warning' | 'error';
  headline: string;
  details: string[];
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A moment as a person reads it: the time if it was today, else date and time. */
export function formatMoment(ms: number, now: number): string {
  const moment = new Date(ms);
  const sameDay = moment.toDateString() === new Date(now).toDateString();
  return sameDay
    ? moment.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : moment.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

/** What the popup says: synced / N pending / companion unreachable since … / token rejected. */
export function describeSyncStatus(status: SyncStatus, now: number): SyncStatusView {
  const details: string[] = [];
  const { state } = status;
  if (status.rejected > 0) {
    const issue = status.firstRejection?.[0];
    details.push(
      `${plural(status.rejected, 'annotation')} refused by the companion${issue ? ` (${issue.path}: ${issue.message})` : ''}; edit to retry.`,
    );
  }
  if (state.lastSuccessAt !== null) details.push(`Last synced ${formatMoment(state.lastSuccessAt, now)}.`);
  const pending = status.pending > 0 ? `${status.pending} pending` : null;

  if (!status.paired) {
    return {
      tone: 'warning',
      headline: 'Not paired with a companion',
      details: [`${pending ?? 'Nothing'} kept in this browser only: pair in Options to sync.`, ...details],
    };
  }
  const failure = state.failure;
  if (failure?.kind === 'unauthorized') {
    return {
      tone: 'error',
      headline: 'Token rejected',
      details: [
        'The companion refused the pairing token: paste the current one (npx margin token) in Options.',
        ...(pending ? [`${pending}.`] : []),
        ...details,
      ],
    };
  }
  if (failure && failure.kind !== 'not-paired') {
    const since = formatMoment(failure.since, now);
    const headline =
      failure.kind === 'unreachable'
        ? `Companion unreachable since ${since}`
        : failure.kind === 'incompatible'
          ? 'Update needed: the companion and this extension do not match'
          : failure.kind === 'rate-limited'
            ? 'Companion busy: waiting to retry'
            : `Sync failing since ${since}`;
    const retry = state.nextAttemptAt !== null ? [`Next try ${formatMoment(state.nextAttemptAt, now)}.`] : [];
    return {
      tone: 'error',
      headline,
      details: [
        ...(pending ? [`${pending}.`] : []),
        ...(failure.kind === 'unreachable' ? [] : [failure.message]),
        ...retry,
        ...details,
      ],
    };
  }
  if (pending) return { tone: 'pending', headline: pending, details };
  return { tone: 'ok', headline: 'Synced', details };
}
