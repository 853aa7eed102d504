import { useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { sendMessage } from '../../utils/messaging.ts';

/** Hands a file to the browser's downloads, from this page (no `downloads` permission needed). */
function saveFile(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/html' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * "Report a broken page", shown when the health check of the current tab failed: saves a structural
 * snapshot of the page (tags, class names, turn structure; every text and value removed, docs/capture.md)
 * for the person to attach to a bug report.
 */
export function ReportPageSection() {
  const [tabId, setTabId] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ error: boolean; text: string } | null>(null);
  useEffect(() => {
    void browser.tabs
      .query({ active: true, currentWindow: true })
      .then(async ([tab]) => {
        if (tab?.id === undefined) return;
        const health = await sendMessage('getTabHealth', tab.id);
        if (health?.problem) setTabId(tab.id);
      })
      .catch(() => undefined);
  }, []);
  if (tabId === null) return null;

  async function save() {
    if (tabId === null) return;
    setBusy(true);
    setResult(null);
    try {
      const snapshot = await sendMessage('snapshotTab', tabId);
      if (!snapshot.ok) return setResult({ error: true, text: snapshot.error });
      saveFile(snapshot.fileName, snapshot.html);
      setResult({
        error: false,
        text: `Saved ${snapshot.fileName} (${snapshot.elements} elements${snapshot.truncated ? ', cut off' : ''}).`,
      });
    } catch (error) {
      setResult({ error: true, text: `Snapshot failed: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="report-heading">
      <h2 id="report-heading">Report a broken page</h2>
      <p>
        Save this page’s structure to attach to a bug report: its tags, class names and turns. Every text is replaced by
        “x” and every address, id and label is removed, so the file holds nothing you wrote or read.
      </p>
      <button type="button" onClick={() => void save()} disabled={busy}>
        Save page snapshot
      </button>
      {result && (
        <p role={result.error ? 'alert' : 'status'} data-snapshot-result={result.error ? 'error' : 'saved'}>
          {result.text}
        </p>
      )}
    </section>
  );
}
