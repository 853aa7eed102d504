import { useEffect, useState } from 'preact/hooks';
import { getDb } from '../../db/connection.ts';
import { DEFAULT_COMPANION_URL, testConnection } from '../../sync/companion-client.ts';
import { readMeta } from '../../sync/sync-meta.ts';
import { DEFAULT_SYNC_INTERVAL_SECONDS } from '../../sync/sync-state.ts';
import { sendMessage } from '../../utils/messaging.ts';
import './companion-section.css';

type Note = { tone: 'ok' | 'error'; text: string } | null;

/**
 * Pairing with the companion: its URL, the token `npx margin token` prints, and how often to sync.
 * "Test connection" asks the companion from this page; "Save" hands the settings to the background,
 * which keeps them in IndexedDB (never in storage.local, which content scripts can read) and syncs.
 */
export function CompanionSection() {
  const [url, setUrl] = useState(DEFAULT_COMPANION_URL);
  const [token, setToken] = useState('');
  const [interval, setIntervalText] = useState(String(DEFAULT_SYNC_INTERVAL_SECONDS));
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void readMeta(getDb(), 'companion').then((saved) => {
      if (!saved) return;
      setUrl(saved.url);
      setToken(saved.token);
      setIntervalText(String(saved.intervalSeconds));
    });
  }, []);

  async function runTest() {
    setBusy(true);
    setNote(null);
    try {
      const result = await testConnection(url, token);
      setNote(
        result.ok
          ? {
              tone: 'ok',
              text: `Connected: Margin companion ${result.version}, ${result.stats.annotations.live} annotations stored.`,
            }
          : { tone: 'error', text: result.message },
      );
    } finally {
      setBusy(false);
    }
  }

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      const result = await sendMessage('configureCompanion', {
        url,
        token,
        intervalSeconds: Number(interval.trim() === '' ? Number.NaN : interval),
      });
      setNote(result.ok ? { tone: 'ok', text: 'Saved. Syncing now.' } : { tone: 'error', text: result.error });
    } catch (error) {
      setNote({ tone: 'error', text: `Could not save: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="companion" aria-labelledby="companion-heading">
      <h2 id="companion-heading">Companion</h2>
      <p class="hint">
        Annotations stay in this browser and sync to the Margin companion on this machine. Start it with{' '}
        <code>npx margin serve</code>; <code>npx margin token</code> prints the token.
      </p>
      <form onSubmit={save}>
        <label>
          Companion URL
          <input type="url" value={url} onInput={(event) => setUrl(event.currentTarget.value)} />
        </label>
        <label>
          Pairing token
          <input
            type="password"
            autocomplete="off"
            spellcheck={false}
            value={token}
            onInput={(event) => setToken(event.currentTarget.value)}
          />
        </label>
        <label>
          Sync interval (seconds)
          <input
            type="number"
            min={1}
            max={86400}
            value={interval}
            onInput={(event) => setIntervalText(event.currentTarget.value)}
          />
          <span class="hint">
            How often to sync, and the first retry while the companion is down (retries then back off to 15 minutes).
            Chrome runs a packed extension's timers at most every 30 seconds.
          </span>
        </label>
        <button type="button" disabled={busy} onClick={() => void runTest()}>
          Test connection
        </button>{' '}
        <button type="submit" disabled={busy}>
          Pair and sync
        </button>
        <p class={`note ${note?.tone ?? ''}`} aria-live="polite" data-companion-note>
          {note?.text ?? ''}
        </p>
      </form>
    </section>
  );
}
