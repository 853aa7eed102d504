import { useState } from 'preact/hooks';
import { API } from '../../../../shared/api/index.ts';
import type { AnnotationRow } from '../../../../shared/dashboard.ts';
import { ApiError, api, errorText } from '../api.ts';
import { invalidateFacets } from '../facets.ts';
import { formatCount } from '../format.ts';
import { parseTags } from './annotation-edit-form.tsx';

/** Requests in flight at once: enough to be quick, few enough to leave the companion room for sync. */
const PARALLEL = 4;

type Outcome = { ok: true } | { ok: false; id: string; reason: string };

async function eachRow(
  rows: AnnotationRow[],
  act: (row: AnnotationRow) => Promise<void>,
  progress: (done: number) => void,
) {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++] as AnnotationRow;
      try {
        await act(row);
        outcomes.push({ ok: true });
      } catch (reason) {
        const changed = reason instanceof ApiError && reason.status === 409;
        outcomes.push({
          ok: false,
          id: row.id,
          reason: changed ? 'changed since the table loaded' : errorText(reason),
        });
      }
      progress(outcomes.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, rows.length) }, worker));
  return outcomes;
}

export interface BulkResult {
  text: string;
  /** Some annotations were not changed. */
  error: boolean;
}

interface Props {
  selected: AnnotationRow[];
  /** After the action: what happened, in words; the ids that failed stay selected; the table reloads. */
  onDone(result: BulkResult, failed: ReadonlySet<string>): void;
  onClear(): void;
}

/**
 * Tag, untag or delete the selected annotations, each through the same edit and delete routes as the
 * detail view (a new revision, or a tombstone), so sync carries them to every browser; an annotation
 * changed elsewhere since the table loaded is refused (409), reported, and stays selected.
 */
export function BulkActions({ selected, onDone, onClear }: Props) {
  const [tags, setTags] = useState('');
  const [status, setStatus] = useState<{ busy: boolean; text: string; error?: boolean } | null>(null);
  const count = selected.length;
  const noun = `annotation${count === 1 ? '' : 's'}`;

  const run = async (verb: string, act: (row: AnnotationRow) => Promise<void>) => {
    const rows = [...selected];
    setStatus({ busy: true, text: `${verb} 0 of ${formatCount(rows.length)}…` });
    const outcomes = await eachRow(rows, act, (done) =>
      setStatus({ busy: true, text: `${verb} ${formatCount(done)} of ${formatCount(rows.length)}…` }),
    );
    const failed = outcomes.filter((outcome): outcome is Extract<Outcome, { ok: false }> => !outcome.ok);
    const done = outcomes.length - failed.length;
    const reasons = [...new Set(failed.map((outcome) => outcome.reason))];
    setStatus(null);
    invalidateFacets();
    onDone(
      {
        error: failed.length > 0,
        text:
          `${verb} ${formatCount(done)} ${done === 1 ? 'annotation' : 'annotations'}.` +
          (failed.length > 0 ? ` ${formatCount(failed.length)} not: ${reasons.join('; ')} (still selected).` : ''),
      },
      new Set(failed.map((outcome) => outcome.id)),
    );
  };

  const retag = (mode: 'add' | 'remove') => {
    const chosen = parseTags(tags);
    if (chosen.length === 0) return setStatus({ busy: false, error: true, text: 'Type the tags first.' });
    void run(mode === 'add' ? 'Tagged' : 'Untagged', async (row) => {
      const next =
        mode === 'add' ? [...new Set([...row.tags, ...chosen])] : row.tags.filter((tag) => !chosen.includes(tag));
      if (next.join('\u0000') === row.tags.join('\u0000')) return; // nothing to change: no new revision
      await api(API.annotations.edit, { params: { id: row.id }, body: { baseRevision: row.revision, tags: next } });
    });
  };

  const remove = () => {
    if (
      !window.confirm(
        `Delete ${formatCount(count)} ${noun}? They are removed everywhere on the next sync, and cannot be undone.`,
      )
    )
      return;
    void run('Deleted', async (row) => {
      await api(API.annotations.remove, { params: { id: row.id }, query: { baseRevision: row.revision } });
    });
  };

  const busy = status?.busy ?? false;
  return (
    <fieldset class="bulk" aria-label="Selected annotations">
      <strong data-selected={count}>{formatCount(count)} selected</strong>
      <input
        type="text"
        name="bulkTags"
        aria-label="Tags for the selected annotations"
        placeholder="tags, comma separated"
        value={tags}
        disabled={busy}
        onInput={(event) => setTags(event.currentTarget.value)}
      />
      <button type="button" disabled={busy} onClick={() => retag('add')}>
        Add tags
      </button>
      <button type="button" disabled={busy} onClick={() => retag('remove')}>
        Remove tags
      </button>
      <button type="button" class="danger" disabled={busy} onClick={remove}>
        Delete…
      </button>
      <button type="button" class="link" disabled={busy} onClick={onClear}>
        Clear selection
      </button>
      {status && (
        <span class={status.error ? 'error' : 'muted'} role={status.busy ? undefined : 'status'} aria-live="polite">
          {status.text}
        </span>
      )}
    </fieldset>
  );
}
