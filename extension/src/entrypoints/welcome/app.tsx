import { useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { SHORTCUT_ACTIONS, SHORTCUT_LABELS, type Shortcuts } from '../../../../shared/shortcuts.ts';
import { annotatorNameItem, annotatorNameSchema, DEFAULT_ANNOTATOR, readSettings } from '../../utils/settings.ts';

/** Chat pages to try Margin on right away (any supported site works; these need no setup). */
const TRY_LINKS = [
  { label: 'ChatGPT', href: 'https://chatgpt.com/' },
  { label: 'Claude', href: 'https://claude.ai/' },
];

/**
 * Opened once, on install: what Margin does, who annotates (the name every annotation carries, which
 * otherwise stays "me"), how to pair or work without a companion, the keys, and where to try it.
 */
export function App() {
  const [name, setName] = useState('');
  const [shortcuts, setShortcuts] = useState<Shortcuts | null>(null);
  const [note, setNote] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    void readSettings().then((settings) => {
      setName(settings.annotator === DEFAULT_ANNOTATOR ? '' : settings.annotator);
      setShortcuts(settings.shortcuts);
    });
  }, []);

  async function saveName(event: Event) {
    event.preventDefault();
    const parsed = annotatorNameSchema.safeParse(name.trim());
    if (!parsed.success) {
      setNote({ tone: 'error', text: 'Your name: type at least one character (at most 100).' });
      return;
    }
    await annotatorNameItem.setValue(parsed.data);
    setNote({ tone: 'ok', text: `Saved: your annotations are signed "${parsed.data}".` });
  }

  return (
    <main>
      <h1>Welcome to Margin</h1>
      <p>
        Margin puts a small rating bar under each answer on ChatGPT, Claude and other chat sites: thumbs, a 1–5 score, a
        comment or a better answer. What you rate stays in this browser and, once paired, syncs to the Margin companion
        on your machine, which turns it into training and evaluation datasets.
      </p>

      <section aria-labelledby="name-heading">
        <h2 id="name-heading">Who annotates?</h2>
        <form onSubmit={(event) => void saveName(event)}>
          <label>
            Your name
            <input
              type="text"
              value={name}
              placeholder="e.g. grace"
              onInput={(event) => setName(event.currentTarget.value)}
            />
          </label>
          <button type="submit">Save name</button>
        </form>
        <p role="status" class={note?.tone ?? ''}>
          {note?.text ?? ''}
        </p>
      </section>

      <section aria-labelledby="pair-heading">
        <h2 id="pair-heading">Pair with the companion (optional)</h2>
        <ol>
          <li>
            In a terminal, run <code>npx margin serve</code>; it prints its address and a pairing token.
          </li>
          <li>
            Open{' '}
            <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
              Options
            </button>
            , paste the address and token under <em>Companion</em>, and press <em>Save</em>. Margin tries them first and
            keeps them only if they work.
          </li>
        </ol>
        <p>
          Working without a companion is fine: annotations stay in this browser, and the toolbar popup downloads them as
          a dataset.
        </p>
      </section>

      <section aria-labelledby="keys-heading">
        <h2 id="keys-heading">Keys on a chat page</h2>
        <p>
          Single keys, never while you type. They act on the answer whose bar has the focus, else on the one that fills
          most of the screen:
        </p>
        {shortcuts && (
          <table>
            <tbody>
              {SHORTCUT_ACTIONS.map((action) => (
                <tr key={action} data-shortcut={action}>
                  <td>
                    <kbd>{shortcuts[action]}</kbd>
                  </td>
                  <td>{SHORTCUT_LABELS[action]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p>Change them in Options.</p>
      </section>

      <section aria-labelledby="try-heading">
        <h2 id="try-heading">Try it</h2>
        <p>
          Open a conversation on{' '}
          {TRY_LINKS.map((link, index) => (
            <span key={link.href}>
              {index > 0 && ' or '}
              <a href={link.href} target="_blank" rel="noreferrer">
                {link.label}
              </a>
            </span>
          ))}{' '}
          and rate an answer with the bar beneath it.
        </p>
      </section>
    </main>
  );
}
