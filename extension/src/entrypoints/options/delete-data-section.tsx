import { useEffect, useState } from 'preact/hooks';
import { type LocalDataSummary, sendMessage } from '../../utils/messaging.ts';

/** The page reloads after a deletion (every section then shows the empty state); this carries what went. */
const DELETED_PARAM = 'deleted';

function plural(count: number, one: string): string {
  return `${count} ${one}${count === 1 ? '' : 's'}`;
}

function describe(summary: LocalDataSummary): string {
  return `${plural(summary.annotations, 'annotation')}, ${plural(summary.comparisons, 'comparison')}`;
}

/**
 * One button that deletes everything Margin keeps in this browser (docs/privacy.md), after a
 * confirmation that says what goes, including changes the companion has not received yet.
 */
export function DeleteDataSection() {
  const [summary, setSummary] = useState<LocalDataSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);

  useEffect(() => {
    const deleted = new URLSearchParams(location.search).get(DELETED_PARAM);
    if (deleted !== null) {
      setNote({
        error: false,
        text: `Deleted ${deleted} and every setting from this browser. A paired companion keeps its copy: "margin purge" deletes it.`,
      });
    }
  }, []);

  async function ask() {
    setNote(null);
    setSummary(await sendMessage('localDataSummary', undefined));
  }

  async function confirm() {
    setBusy(true);
    try {
      const deleted = await sendMessage('deleteAllData', undefined);
      location.replace(`${location.pathname}?${DELETED_PARAM}=${encodeURIComponent(describe(deleted))}`);
    } catch (error) {
      setBusy(false);
      setNote({ error: true, text: `Nothing deleted: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  return (
    <section aria-labelledby="delete-data-heading">
      <h2 id="delete-data-heading">Delete all data</h2>
      <p>
        Removes every annotation, comparison, setting and the companion pairing from this browser. The companion on your
        computer keeps its copy (run <code>margin purge</code> to delete that).
      </p>
      {summary === null ? (
        <button type="button" onClick={() => void ask()}>
          Delete all Margin data in this browser
        </button>
      ) : (
        <div role="alertdialog" aria-labelledby="delete-data-confirm">
          <p id="delete-data-confirm">
            Delete {describe(summary)} and every setting?
            {summary.pending > 0 &&
              ` ${plural(summary.pending, 'change')} never reached the companion and will be lost for good.`}{' '}
            This cannot be undone.
          </p>
          <button type="button" disabled={busy} onClick={() => void confirm()}>
            Delete everything
          </button>{' '}
          <button type="button" disabled={busy} onClick={() => setSummary(null)}>
            Cancel
          </button>
        </div>
      )}
      {note && (
        <p role="status" class={note.error ? 'error' : ''}>
          {note.text}
        </p>
      )}
    </section>
  );
}
