import { useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { selfHostedAdapters } from '../../sites/index.ts';
import { sendMessage } from '../../utils/messaging.ts';
import { originPattern } from '../../utils/origin-pattern.ts';
import {
  genericOriginsItem,
  readSettings,
  selfHostedOriginSchema,
  selfHostedOriginsItem,
} from '../../utils/settings.ts';
import './annotate-sections.css';

type Note = { error: boolean; text: string } | null;
/** Which adapter an added origin gets: the self-hosted apps' (recognised from the page) or the generic one. */
type App = 'self-hosted' | 'generic';

interface Added {
  selfHosted: string[];
  generic: string[];
}

/**
 * Self-hosted chat apps (Open WebUI, LibreChat) live wherever their owner runs them, so the manifest
 * cannot name them. The person adds the address here; the browser asks them to grant Margin that
 * one site (the request is made from this click), and the background then registers the content
 * script there. Nothing broader is ever asked for. A chat app Margin does not know can be added the
 * same way for the generic adapter (docs/capture.md, "The generic adapter").
 */
export function SelfHostedSection({ onSaved }: { onSaved?: () => void }) {
  const [added, setAdded] = useState<Added | null>(null);
  const [address, setAddress] = useState('');
  const [app, setApp] = useState<App>('self-hosted');
  const [note, setNote] = useState<Note>(null);
  useEffect(() => {
    void readSettings().then((settings) =>
      setAdded({ selfHosted: settings.selfHostedOrigins, generic: settings.genericOrigins }),
    );
  }, []);
  if (!added) return null;
  const apps = selfHostedAdapters.map((adapter) => adapter.label).join(' or ');
  const all = [...added.selfHosted, ...added.generic];

  async function store(next: Added, message: string) {
    await selfHostedOriginsItem.setValue(next.selfHosted);
    await genericOriginsItem.setValue(next.generic);
    setAdded(next);
    onSaved?.();
    const { registered } = await sendMessage('syncSelfHostedOrigins', undefined);
    const missing = [...next.selfHosted, ...next.generic].filter((origin) => !registered.includes(origin));
    setNote(
      missing.length > 0
        ? { error: true, text: `${message} Not granted, so not annotated: ${missing.join(', ')}.` }
        : { error: false, text: message },
    );
  }

  function add(event: Event) {
    event.preventDefault();
    const parsed = selfHostedOriginSchema.safeParse(address);
    if (!parsed.success) {
      setNote({ error: true, text: parsed.error.issues[0]?.message ?? 'not an address' });
      return;
    }
    const origin = parsed.data;
    // Asked for synchronously inside the click, as browsers require for a permission prompt.
    browser.permissions.request({ origins: [originPattern(origin)] }).then(
      (granted) => {
        if (!granted) {
          setNote({ error: true, text: `Not added: access to ${origin} was not granted.` });
          return;
        }
        setAddress('');
        // One adapter per origin: adding it for one takes it from the other.
        const current = added ?? { selfHosted: [], generic: [] };
        const without = (list: string[]) => list.filter((known) => known !== origin);
        const next =
          app === 'generic'
            ? { selfHosted: without(current.selfHosted), generic: [...without(current.generic), origin] }
            : { selfHosted: [...without(current.selfHosted), origin], generic: without(current.generic) };
        void store(next, `Added ${origin}. Reload its open tabs to see Margin there.`);
      },
      (error: unknown) =>
        setNote({ error: true, text: `Not added: ${error instanceof Error ? error.message : String(error)}` }),
    );
  }

  async function remove(origin: string) {
    const current = added ?? { selfHosted: [], generic: [] };
    const next = {
      selfHosted: current.selfHosted.filter((known) => known !== origin),
      generic: current.generic.filter((known) => known !== origin),
    };
    const pattern = originPattern(origin);
    // Another added origin on the same host (another port) still needs the host's permission.
    if (![...next.selfHosted, ...next.generic].some((other) => originPattern(other) === pattern)) {
      await browser.permissions.remove({ origins: [pattern] });
    }
    await store(next, `Removed ${origin}.`);
  }

  return (
    <section aria-labelledby="self-hosted-heading">
      <h2 id="self-hosted-heading">Self-hosted chat apps</h2>
      <p>
        Use {apps} on your own server, or another chat app Margin does not know? Add its address, and Margin will ask
        your browser for access to that site only.
      </p>
      <form onSubmit={add}>
        <label>
          Address
          <input
            type="text"
            placeholder="http://localhost:3000"
            value={address}
            onInput={(event) => setAddress(event.currentTarget.value)}
          />
        </label>
        <label>
          App
          <select value={app} onChange={(event) => setApp(event.currentTarget.value as App)}>
            <option value="self-hosted">{apps} (recognised from the page)</option>
            <option value="generic">Another chat app (generic adapter)</option>
          </select>
        </label>
        <button type="submit">Add and grant access</button>
      </form>
      {all.length > 0 && (
        <ul aria-label="Added addresses">
          {all.map((origin) => (
            <li key={origin}>
              {origin}
              {added.generic.includes(origin) ? ' (generic adapter)' : ''}{' '}
              <button type="button" onClick={() => void remove(origin)}>
                Remove {origin}
              </button>
            </li>
          ))}
        </ul>
      )}
      {note && (
        <p class={note.error ? 'error' : ''} aria-live="polite" data-self-hosted-note>
          {note.text}
        </p>
      )}
    </section>
  );
}
