import { useEffect, useState } from 'preact/hooks';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry, OWNER_NAME } from '../../../../shared/account.ts';
import { API } from '../../../../shared/api/index.ts';
import { api, errorText, isAbort } from '../api.ts';
import { formatDate } from '../format.ts';
import type { PageProps } from '../page.ts';
import { navigate, routeHref } from '../router.ts';
import './admin.css';

const PAGE_SIZE = 50;

/** Each action as a person would say it. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  'annotations.push': 'Synced annotations',
  'annotation.edit': 'Edited an annotation',
  'annotation.delete': 'Deleted an annotation',
  'review.decide': 'Decided a review',
  export: 'Exported a dataset',
  'user.add': 'Added a user',
  'user.revoke': 'Revoked a user',
  'user.rotate': 'Gave a user a new token',
  'backup.restore': 'Restored a backup',
  'conversationRating.set': 'Rated a conversation',
  'queue.create': 'Created a queue',
  'queue.items': 'Added items to a queue',
  'queue.adjudicate': 'Set the final answer of a queue item',
};

/** A day (`YYYY-MM-DD`, the viewer's time zone) as the ISO time its first moment is. */
function dayStart(day: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  date.setDate(date.getDate() + plusDays);
  return date.toISOString();
}

function detailsText(details: AuditEntry['details']): string {
  return Object.entries(details)
    .filter(([, value]) => value !== 0 && value !== null && value !== false)
    .map(([key, value]) => `${key}: ${value}`)
    .join(', ');
}

/** The audit log for admins (`GET /api/v1/audit`, the same as `margin audit`), filtered in the address. */
export function AuditPage({ route }: PageProps) {
  const params = route.params;
  const user = params.get('user') ?? '';
  const action = (AUDIT_ACTIONS as readonly string[]).includes(params.get('action') ?? '')
    ? (params.get('action') as AuditAction)
    : undefined;
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const before = Number(params.get('before')) || undefined;
  const [page, setPage] = useState<{ entries: AuditEntry[]; next: number | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [names, setNames] = useState<string[]>([]);

  useEffect(() => {
    api(API.users.list, {}).then(
      (answer) => setNames([OWNER_NAME, ...answer.users.map((listed) => listed.name)]),
      () => setNames([OWNER_NAME]),
    );
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    setPage(null);
    const query = {
      limit: String(PAGE_SIZE),
      ...(user ? { user } : {}),
      ...(action ? { action } : {}),
      ...(dayStart(from) ? { since: dayStart(from) } : {}),
      // `to` is inclusive: everything before the next day's start.
      ...(dayStart(to, 1) ? { until: dayStart(to, 1) } : {}),
      ...(before ? { before: String(before) } : {}),
    };
    api(API.audit.list, { query }, controller.signal).then(setPage, (reason: unknown) => {
      if (!isAbort(reason)) setError(errorText(reason));
    });
    return () => controller.abort();
  }, [user, action, from, to, before]);

  /** Changing a filter starts again at the newest entries. */
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete('before');
    navigate(routeHref('audit', [], next), { replace: true });
  };
  const olderHref = (cursor: number) => {
    const next = new URLSearchParams(params);
    next.set('before', String(cursor));
    return routeHref('audit', [], next);
  };
  const newestParams = new URLSearchParams(params);
  newestParams.delete('before');

  return (
    <div class="admin audit">
      <form class="audit-filters" aria-label="Filter the audit log" onSubmit={(event) => event.preventDefault()}>
        <label>
          User{' '}
          <input
            name="user"
            list="audit-users"
            value={user}
            placeholder="anyone"
            onChange={(event) => setFilter('user', event.currentTarget.value.trim())}
          />
          <datalist id="audit-users">
            {names.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </label>
        <label>
          Action{' '}
          <select
            name="action"
            value={action ?? ''}
            onChange={(event) => setFilter('action', event.currentTarget.value)}
          >
            <option value="">any</option>
            {AUDIT_ACTIONS.map((option) => (
              <option key={option} value={option}>
                {AUDIT_ACTION_LABELS[option]}
              </option>
            ))}
          </select>
        </label>
        <label>
          From{' '}
          <input
            type="date"
            name="from"
            value={from}
            onChange={(event) => setFilter('from', event.currentTarget.value)}
          />
        </label>
        <label>
          To <input type="date" name="to" value={to} onChange={(event) => setFilter('to', event.currentTarget.value)} />
        </label>
        {(user || action || from || to) && (
          <a href={routeHref('audit')} class="muted">
            Clear filters
          </a>
        )}
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {page === null ? (
        !error && <p class="loading">Loading…</p>
      ) : page.entries.length === 0 ? (
        <p class="muted" role="status">
          {before ? 'No older entries.' : 'Nothing in the audit log matches.'}
        </p>
      ) : (
        <table class="admin-table" aria-label="Audit log, newest first">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">On</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {page.entries.map((entry) => (
              <tr key={entry.id} data-audit-id={entry.id} data-action={entry.action}>
                <td title={entry.at}>{formatDate(entry.at)}</td>
                <td>{entry.actor}</td>
                <td title={entry.action}>{AUDIT_ACTION_LABELS[entry.action]}</td>
                <td>{entry.target ?? <span class="muted">–</span>}</td>
                <td>{detailsText(entry.details)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="audit-pager" aria-label="Audit log pages">
        {before && <a href={routeHref('audit', [], newestParams)}>← Newest</a>}
        {page?.next && <a href={olderHref(page.next)}>Older entries →</a>}
      </nav>
    </div>
  );
}
