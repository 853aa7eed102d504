import { useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { selfHostedAdapters } from '../../sites/index.ts';
import { sendMessage } from '../../utils/messaging.ts';
import { originPattern } from '../../utils/origin-pattern.ts';
import { readSettings, selfHostedOriginSchema, selfHostedOriginsItem } from '../../utils/settings.ts';
import './annotate-sections.css';

type Note = { error: boolean; text: string } | null;

/**
 * Self-hosted chat apps (Open WebUI, LibreChat) live wherever their owner runs them, so the manifest
 * cannot name them. The person adds the address here; the browser asks them to grant Margin that
 * one site (the request is made from this click), and the background then registers the content
 * script there. Nothing broader is ever asked for.
 */
export function SelfHostedSection() {
  const [origins, setOrigins] = useState<string[] | null>(null);
  const [address, setAddress] = useState('');
  const [note, setNote] = useState<Note>(null);
  useEffect(() => {
    void readSettings().then((settings) => setOrigins(settings.selfHostedOrigins));
  }, []);
  if (!origins) return null;
  const apps = selfHostedAdapters.map((adapter) => adapter.label).join(' or ');

  async function store(next: string[], message: string) {
    await selfHostedOriginsItem.setValue(next);
    setOrigins(next);
    const { registered } = await sendMessage('syncSelfHostedOrigins', undefined);
    const missing = next.filter((origin) => !registered.includes(origin));
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
        const next = origins?.includes(origin) ? (origins ?? []) : [...(origins ?? []), origin];
        void store(next, `Added ${origin}. Reload its open tabs to see Margin there.`);
      },
      (error: unknown) =>
        setNote({ error: true, text: `Not added: ${error instanceof Error ? error.message : String(error)}` }),
    );
  }

  async function remove(origin: string) {
    const next = (origins ?? []).filter((known) => known !== origin);
    const pattern = originPattern(origin);
    // Another added origin on the same host (another port) still needs the host's permission.
    if (!next.some((other) => originPattern(other) === pattern)) {
      await browser.permissions.remove({ origins: [pattern] });
    }
    await store(next, `Removed ${origin}.`);
  }

  return (
    <section aria-labelledby="self-hosted-heading">
      <h2 id="self-hosted-heading">Self-hosted chat apps</h2>
      <p>
        Use {apps} on your own server? Add its address, and Margin will ask your browser for access to that site only.
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
        <button type="submit">Add and grant access</button>
      </form>
      {origins.length > 0 && (
        <ul aria-label="Added addresses">
          {origins.map((origin) => (
            <li key={origin}>
              {origin}{' '}
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
