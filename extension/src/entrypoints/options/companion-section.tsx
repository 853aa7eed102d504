import { useEffect, useState } from 'preact/hooks';
import { getDb } from '../../db/connection.ts';
import { DEFAULT_COMPANION_URL, testConnection } from '../../sync/companion-client.ts';
import { readMeta } from '../../sync/sync-meta.ts';
import { DEFAULT_SYNC_INTERVAL_SECONDS } from '../../sync/sync-state.ts';
import { sendMessage } from '../../utils/messaging.ts';
import {
  accessRefusedMessage,
  adoptTeamName,
  requestServerAccess,
  SignedInAs,
  teamPairingProblem,
} from './team-sign-in.tsx';
import './companion-section.css';

type Note = { tone: 'ok' | 'error' | 'busy'; text: string } | null;

/**
 * Pairing with the companion: its URL, the token `npx margin token` prints, and how often to sync.
 * Pairing is one action: the address and token are tried from this page first and saved only when the
 * companion answered as Margin and accepted the token, so a failed try never leaves a half-pairing
 * behind and a person never sees "Saved" for settings that cannot sync. The background keeps them in
 * IndexedDB (never in storage.local, which content scripts can read).
 */
export function CompanionSection({ onSaved }: { onSaved?: () => void }) {
  const [url, setUrl] = useState(DEFAULT_COMPANION_URL);
  const [token, setToken] = useState('');
  const [interval, setIntervalText] = useState(String(DEFAULT_SYNC_INTERVAL_SECONDS));
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);
  const [pairings, setPairings] = useState(0);

  useEffect(() => {
    void readMeta(getDb(), 'companion').then((saved) => {
      if (!saved) return;
      setUrl(saved.url);
      setToken(saved.token);
      setIntervalText(String(saved.intervalSeconds));
    });
  }, []);

  async function pair(event: Event) {
    event.preventDefault();
    // Before anything is awaited: the permission prompt needs the click's user gesture.
    const access = requestServerAccess(url);
    setBusy(true);
    setNote({ tone: 'busy', text: 'Trying the companion…' });
    try {
      if (!(await access)) {
        setNote({ tone: 'error', text: accessRefusedMessage(url) });
        return;
      }
      const tried = await testConnection(url, token);
      if (!tried.ok) {
        setNote({ tone: 'error', text: `Not paired. ${tried.message} Nothing was saved.` });
        return;
      }
      const problem = teamPairingProblem(tried.me);
      if (problem) {
        setNote({ tone: 'error', text: problem });
        return;
      }
      const result = await sendMessage('configureCompanion', {
        url,
        token,
        intervalSeconds: Number(interval.trim() === '' ? Number.NaN : interval),
        me: tried.me,
      });
      if (!result.ok) {
        setNote({ tone: 'error', text: `Not paired. ${result.error} Nothing was saved.` });
        return;
      }
      onSaved?.();
      setPairings((count) => count + 1);
      const named = await adoptTeamName(tried.me);
      setNote({
        tone: 'ok',
        text: `Paired with Margin companion ${tried.version} at ${url.trim()} (${tried.stats.annotations.live} annotations stored).${named ? ` ${named}` : ''} Syncing now.`,
      });
    } catch (error) {
      setNote({ tone: 'error', text: `Not paired: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="companion" aria-labelledby="companion-heading">
      <h2 id="companion-heading">Companion</h2>
      <p class="hint">
        Annotations stay in this browser and sync to the Margin companion on this machine. Start it with{' '}
        <code>npx margin serve</code>; <code>npx margin token</code> prints the token. For a team server, give its{' '}
        <code>https://</code> address and your personal token (from <code>margin user add</code>); the browser asks you
        to let Margin reach that server.
      </p>
      <p class="hint">
        Switching to another server keeps everything in this browser: your annotations stay here and are all sent to the
        new server.
      </p>
      <SignedInAs version={pairings} />
      <form onSubmit={pair}>
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
        <button type="submit" disabled={busy}>
          Pair and sync
        </button>
        <p class={`note ${note?.tone ?? ''}`} aria-live="polite" data-companion-note data-tone={note?.tone ?? ''}>
          {note?.text ?? ''}
        </p>
      </form>
    </section>
  );
}
