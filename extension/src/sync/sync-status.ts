import type { ApiIssue } from '../../../shared/index.ts';
import type { AppDB } from '../db/app-db.ts';
import { isRefusedForAnnotator } from './claim-refused.ts';
import { countPending } from './outbox.ts';
import { readMeta } from './sync-meta.ts';
import { INITIAL_SYNC_STATE, type SignedIn, type SyncState } from './sync-state.ts';

export interface SyncStatus {
  paired: boolean;
  pending: number;
  rejected: number;
  /** The first rejected record's issues, to say what the companion refused. */
  firstRejection: ApiIssue[] | null;
  /** Refused only because they name another annotator than the token's user, and the names they carry. */
  refusedAnnotator: { count: number; names: string[] };
  /** Whom the token signs in as (null until the companion was asked). */
  signedIn: SignedIn | null;
  state: SyncState;
}

/** Everything the popup shows about sync, read from IndexedDB (the background writes it). */
export async function readSyncStatus(db: AppDB): Promise<SyncStatus> {
  const [companion, state, counts, rejected, signedIn] = await Promise.all([
    readMeta(db, 'companion'),
    readMeta(db, 'state'),
    countPending(db),
    db.outbox.where('[state+queuedAt]').between(['rejected', -Infinity], ['rejected', Infinity]).toArray(),
    readMeta(db, 'signedIn'),
  ]);
  const refused = rejected.filter(isRefusedForAnnotator);
  // The first refusal of another kind, so the popup names a fault editing can fix.
  const rejectedEntry = rejected.find((entry) => !isRefusedForAnnotator(entry)) ?? rejected[0];
  return {
    paired: companion !== undefined,
    ...counts,
    firstRejection: rejectedEntry?.issues ?? null,
    refusedAnnotator: {
      count: refused.length,
      names: [...new Set(refused.map((entry) => entry.record.annotator))].sort(),
    },
    signedIn: signedIn?.url === companion?.url ? (signedIn ?? null) : null,
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
  const { refusedAnnotator } = status;
  const user = status.signedIn?.team ? status.signedIn.user : null;
  if (refusedAnnotator.count > 0 && user) {
    const names = refusedAnnotator.names.map((name) => `“${name}”`).join(', ');
    details.push(
      `${plural(refusedAnnotator.count, 'record')} refused by the team server: ${refusedAnnotator.count === 1 ? 'it names' : 'they name'} ${names}, but you are signed in as “${user.name}”.`,
    );
  }
  const otherRejected = status.rejected - (user ? refusedAnnotator.count : 0);
  if (otherRejected > 0) {
    const issue = status.firstRejection?.[0];
    details.push(
      `${plural(otherRejected, 'annotation')} refused by the companion${issue ? ` (${issue.path}: ${issue.message})` : ''}; edit to retry.`,
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
