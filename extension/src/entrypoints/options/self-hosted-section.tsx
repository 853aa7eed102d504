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
import { useSection } from './save-bar.tsx';
import './annotate-sections.css';

type Note = { error: boolean; text: string } | null;
/** Which adapter an added origin gets: the self-hosted apps' (recognised from the page) or the generic one. */
type App = 'self-hosted' | 'generic';

interface Added {
  selfHosted: string[];
  generic: string[];
}

const NONE: Added = { selfHosted: [], generic: [] };
const originsOf = (added: Added) => [...added.selfHosted, ...added.generic];

/** `added` with `origin` under `app`: one adapter per origin, so adding it for one takes it from the other. */
function withOrigin(added: Added, origin: string, app: App): Added {
  const without = (list: string[]) => list.filter((known) => known !== origin);
  return app === 'generic'
    ? { selfHosted: without(added.selfHosted), generic: [...without(added.generic), origin] }
    : { selfHosted: [...without(added.selfHosted), origin], generic: without(added.generic) };
}

/**
 * Self-hosted chat apps (Open WebUI, LibreChat) live wherever their owner runs them, so the manifest
 * cannot name them. The person types the address (and removes ones added before); the page's Save
 * asks the browser to grant Margin that one site, and the background then registers the content
 * script there. Nothing broader is ever asked for. A chat app Margin does not know can be added the
 * same way for the generic adapter (docs/capture.md, "The generic adapter").
 */
export function SelfHostedSection() {
  const [saved, setSaved] = useState<Added | null>(null);
  const [draft, setDraft] = useState<Added>(NONE);
  const [address, setAddress] = useState('');
  const [app, setApp] = useState<App>('self-hosted');
  const [note, setNote] = useState<Note>(null);
  useEffect(() => {
    void readSettings().then((settings) => {
      const read = { selfHosted: settings.selfHostedOrigins, generic: settings.genericOrigins };
      setSaved(read);
      setDraft(read);
    });
  }, []);

  const dirty = saved !== null && (address.trim() !== '' || JSON.stringify(saved) !== JSON.stringify(draft));
  useSection('Self-hosted chat apps', dirty, {
    save() {
      const before = saved ?? NONE;
      let next = draft;
      if (address.trim() !== '') {
        const parsed = selfHostedOriginSchema.safeParse(address);
        if (!parsed.success) {
          setNote({ error: true, text: parsed.error.issues[0]?.message ?? 'not an address' });
          return Promise.resolve(false);
        }
        next = withOrigin(draft, parsed.data, app);
      }
      const added = originsOf(next).filter((origin) => !originsOf(before).includes(origin));
      const removed = originsOf(before).filter((origin) => !originsOf(next).includes(origin));
      // The permission prompt needs the Save click's user activation, which Firefox drops at the
      // first await: so the request is made here, synchronously inside the click (the page's Save
      // starts every section before any awaits), not after the other sections' work.
      const asked =
        added.length > 0
          ? browser.permissions.request({ origins: [...new Set(added.map(originPattern))] })
          : Promise.resolve(true);
      return asked.then(
        async (granted) => {
          if (!granted) {
            setNote({ error: true, text: `Not added: access to ${added.join(', ')} was not granted.` });
            return false;
          }
          const stillNeeded = new Set(originsOf(next).map(originPattern));
          // Another added origin on the same host (another port) still needs the host's permission.
          const released = [...new Set(removed.map(originPattern))].filter((pattern) => !stillNeeded.has(pattern));
          if (released.length > 0) await browser.permissions.remove({ origins: released });
          await selfHostedOriginsItem.setValue(next.selfHosted);
          await genericOriginsItem.setValue(next.generic);
          setSaved(next);
          setDraft(next);
          setAddress('');
          const message = [
            added.length > 0 ? `Added ${added.join(', ')}. Reload its open tabs to see Margin there.` : '',
            removed.length > 0 ? `Removed ${removed.join(', ')}.` : '',
          ]
            .filter((part) => part !== '')
            .join(' ');
          const { registered } = await sendMessage('syncSelfHostedOrigins', undefined);
          const missing = originsOf(next).filter((origin) => !registered.includes(origin));
          setNote(
            missing.length > 0
              ? { error: true, text: `${message} Not granted, so not annotated: ${missing.join(', ')}.` }
              : { error: false, text: message || 'Saved.' },
          );
          return true;
        },
        (error: unknown) => {
          setNote({ error: true, text: `Not added: ${error instanceof Error ? error.message : String(error)}` });
          return false;
        },
      );
    },
    discard() {
      setDraft(saved ?? NONE);
      setAddress('');
      setNote(null);
    },
  });
  if (!saved) return null;
  const apps = selfHostedAdapters.map((adapter) => adapter.label).join(' or ');
  // Saved and newly added ones, so a removal stays visible (and can be undone) until Save.
  const listed = [...new Set([...originsOf(saved), ...originsOf(draft)])];

  function remove(origin: string) {
    setDraft({
      selfHosted: draft.selfHosted.filter((known) => known !== origin),
      generic: draft.generic.filter((known) => known !== origin),
    });
  }

  function keep(origin: string) {
    setDraft(withOrigin(draft, origin, saved?.generic.includes(origin) ? 'generic' : 'self-hosted'));
  }

  return (
    <section aria-labelledby="self-hosted-heading">
      <h2 id="self-hosted-heading">Self-hosted chat apps</h2>
      <p>
        Use {apps} on your own server, or another chat app Margin does not know? Type its address and save: Margin will
        ask your browser for access to that site only.
      </p>
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
      {listed.length > 0 && (
        <ul aria-label="Added addresses">
          {listed.map((origin) => {
            const gone = !originsOf(draft).includes(origin);
            return (
              <li key={origin}>
                {gone ? <s>{origin}</s> : origin}
                {draft.generic.includes(origin) || (gone && saved.generic.includes(origin)) ? ' (generic adapter)' : ''}
                {gone ? ' (removed when you save)' : ''}{' '}
                {gone ? (
                  <button type="button" onClick={() => keep(origin)}>
                    Keep {origin}
                  </button>
                ) : (
                  <button type="button" onClick={() => remove(origin)}>
                    Remove {origin}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {note && (
        <p class={note.error ? 'error' : 'ok'} aria-live="polite" data-self-hosted-note>
          {note.text}
        </p>
      )}
    </section>
  );
}
