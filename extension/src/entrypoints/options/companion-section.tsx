import { useEffect, useState } from 'preact/hooks';
import { getDb } from '../../db/connection.ts';
import { DEFAULT_COMPANION_URL, testConnection } from '../../sync/companion-client.ts';
import { readMeta } from '../../sync/sync-meta.ts';
import { DEFAULT_SYNC_INTERVAL_SECONDS } from '../../sync/sync-state.ts';
import { sendMessage } from '../../utils/messaging.ts';
import { useSection } from './save-bar.tsx';
import {
  accessRefusedMessage,
  adoptTeamName,
  requestServerAccess,
  SignedInAs,
  teamPairingProblem,
} from './team-sign-in.tsx';
import './companion-section.css';

type Note = { tone: 'ok' | 'error' | 'busy'; text: string } | null;
/** The fields as typed (the interval as text until saved). */
interface Fields {
  url: string;
  token: string;
  interval: string;
}
const UNPAIRED: Fields = { url: DEFAULT_COMPANION_URL, token: '', interval: String(DEFAULT_SYNC_INTERVAL_SECONDS) };

/**
 * Pairing with the companion: its URL, the token `npx margin token` prints, and how often to sync.
 * Pairing is one action, part of the page's one Save: when these fields changed, the address and token
 * are tried first and saved only when the companion answered as Margin and accepted the token, so a
 * failed try never leaves a half-pairing behind and a person never sees "Saved" for settings that
 * cannot sync. The other sections save on their own either way (the Save bar says which did). The background keeps them in
 * IndexedDB (never in storage.local, which content scripts can read).
 */
export function CompanionSection() {
  const [saved, setSaved] = useState<Fields>(UNPAIRED);
  const [fields, setFields] = useState<Fields>(UNPAIRED);
  const [note, setNote] = useState<Note>(null);
  const [pairings, setPairings] = useState(0);

  useEffect(() => {
    void readMeta(getDb(), 'companion').then((stored) => {
      if (!stored) return;
      const read = { url: stored.url, token: stored.token, interval: String(stored.intervalSeconds) };
      setSaved(read);
      setFields(read);
    });
  }, []);

  const dirty = JSON.stringify(saved) !== JSON.stringify(fields);
  useSection('Companion', dirty, {
    async save() {
      // Before anything is awaited: the permission prompt for a team server needs the Save click's gesture.
      const access = requestServerAccess(fields.url);
      setNote({ tone: 'busy', text: 'Trying the companion…' });
      try {
        if (!(await access)) {
          setNote({ tone: 'error', text: accessRefusedMessage(fields.url) });
          return false;
        }
        const tried = await testConnection(fields.url, fields.token);
        if (!tried.ok) {
          setNote({ tone: 'error', text: `Not paired. ${tried.message} Nothing of the pairing was saved.` });
          return false;
        }
        const problem = teamPairingProblem(tried.me);
        if (problem) {
          setNote({ tone: 'error', text: problem });
          return false;
        }
        const result = await sendMessage('configureCompanion', {
          url: fields.url,
          token: fields.token,
          intervalSeconds: Number(fields.interval.trim() === '' ? Number.NaN : fields.interval),
          me: tried.me,
        });
        if (!result.ok) {
          setNote({ tone: 'error', text: `Not paired. ${result.error} Nothing of the pairing was saved.` });
          return false;
        }
        setSaved(fields);
        setPairings((count) => count + 1);
        const named = await adoptTeamName(tried.me);
        setNote({
          tone: 'ok',
          text: `Paired with Margin companion ${tried.version} at ${fields.url.trim()} (${tried.stats.annotations.live} annotations stored).${named ? ` ${named}` : ''} Syncing now.`,
        });
        return true;
      } catch (error) {
        setNote({ tone: 'error', text: `Not paired: ${error instanceof Error ? error.message : String(error)}` });
        return false;
      }
    },
    discard() {
      setFields(saved);
      setNote(null);
    },
  });
  const set = (change: Partial<Fields>) => setFields({ ...fields, ...change });

  return (
    <section class="companion" aria-labelledby="companion-heading">
      <h2 id="companion-heading">Companion</h2>
      <p class="hint">
        Annotations stay in this browser and sync to the Margin companion on this machine. Start it with{' '}
        <code>npx margin serve</code>; <code>npx margin token</code> prints the token. For a team server, give its{' '}
        <code>https://</code> address and your personal token (from <code>margin user add</code>); the browser asks you
        to let Margin reach that server when you save.
      </p>
      <p class="hint">
        Switching to another server keeps everything in this browser: your annotations stay here and are all sent to the
        new server.
      </p>
      <SignedInAs version={pairings} />
      <div>
        <label>
          Companion URL
          <input type="url" value={fields.url} onInput={(event) => set({ url: event.currentTarget.value })} />
        </label>
        <label>
          Pairing token
          <input
            type="password"
            autocomplete="off"
            spellcheck={false}
            value={fields.token}
            onInput={(event) => set({ token: event.currentTarget.value })}
          />
        </label>
        <label>
          Sync interval (seconds)
          <input
            type="number"
            min={1}
            max={86400}
            value={fields.interval}
            onInput={(event) => set({ interval: event.currentTarget.value })}
          />
          <span class="hint">
            How often to sync, and the first retry while the companion is down (retries then back off to 15 minutes).
            Chrome runs a packed extension's timers at most every 30 seconds.
          </span>
        </label>
        <p class={`note ${note?.tone ?? ''}`} aria-live="polite" data-companion-note data-tone={note?.tone ?? ''}>
          {note?.text ?? ''}
        </p>
      </div>
    </section>
  );
}
