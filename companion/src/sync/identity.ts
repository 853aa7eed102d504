import type { ApiIssue } from '../../../shared/index.ts';
import type { Caller } from '../accounts/caller.ts';
import type { CheckedRecord } from './check-record.ts';

/**
 * On a team server a record's `annotator` is who pushed it, proved by their token, not typed: a
 * record that leaves it out gets the caller's name; one naming someone else is refused (never stored
 * under the wrong name). The personal owner's records keep the name the extension sends, as always.
 */
export function fillAnnotator(caller: Caller, raw: unknown): unknown {
  if (caller.personal || typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const annotator = (raw as { annotator?: unknown }).annotator;
  return annotator === undefined || annotator === '' ? { ...raw, annotator: caller.name } : raw;
}

function refuse<T>(id: string, issue: ApiIssue): CheckedRecord<T> {
  return { ok: false, id, issues: [issue] };
}

/**
 * Refuses, per record, what `caller` may not write: a record naming another annotator, and one whose
 * id is already stored under another annotator (`owners`: id → stored annotator), so an annotator
 * can neither overwrite nor delete someone else's work through a push.
 */
export function claimRecords<T extends { id: string; annotator: string }>(
  caller: Caller,
  checked: readonly CheckedRecord<T>[],
  owners: ReadonlyMap<string, string>,
  noun: string,
): CheckedRecord<T>[] {
  if (caller.personal) return [...checked];
  return checked.map((item) => {
    if (!item.ok) return item;
    const { id, annotator } = item.record;
    if (annotator !== caller.name) {
      return refuse(id, {
        path: 'annotator',
        message: `you are signed in as "${caller.name}", but this ${noun} names "${annotator}"; it was not stored (leave annotator out or set it to "${caller.name}")`,
      });
    }
    const owner = owners.get(id);
    if (owner !== undefined && owner !== caller.name) {
      return refuse(id, {
        path: 'id',
        message: `this ${noun} belongs to "${owner}"; "${caller.name}" cannot change or delete it`,
      });
    }
    return item;
  });
}

/** Ids of the valid records, to look up whose they are. */
export function validIds<T extends { id: string }>(checked: readonly CheckedRecord<T>[]): string[] {
  return checked.flatMap((item) => (item.ok ? [item.record.id] : []));
}
