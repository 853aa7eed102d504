import { useEffect, useState } from 'preact/hooks';
import {
  DEFAULT_SHORTCUTS,
  SHORTCUT_ACTIONS,
  SHORTCUT_LABELS,
  type Shortcuts,
  shortcutProblems,
} from '../../../../shared/shortcuts.ts';
import { readSettings, shortcutsItem } from '../../utils/settings.ts';
import './annotate-sections.css';

type Note = { error: boolean; lines: string[] } | null;

/**
 * Remapping the keyboard shortcuts: one key per action, no two the same, none the page relies on
 * (Enter, Esc, Tab, space, /). Open chat pages pick the new keys up at once.
 */
export function ShortcutsSection({ onSaved }: { onSaved?: () => void }) {
  const [keys, setKeys] = useState<Shortcuts | null>(null);
  const [note, setNote] = useState<Note>(null);
  useEffect(() => {
    void readSettings().then((settings) => setKeys(settings.shortcuts));
  }, []);
  if (!keys) return null;

  async function save(event: Event) {
    event.preventDefault();
    if (!keys) return;
    const problems = shortcutProblems(keys);
    if (problems.length > 0) return setNote({ error: true, lines: problems });
    await shortcutsItem.setValue(keys);
    onSaved?.();
    setNote({ error: false, lines: ['Shortcuts saved. Open chat pages use them now.'] });
  }

  return (
    <section aria-labelledby="shortcuts-heading">
      <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
      <p>
        On a chat page, these keys act on the response whose controls have the focus, else on the one most in view. They
        never fire while you type in the page's message box or any other field. The browser shortcut that opens the
        latest response's controls (Alt+Shift+M unless you change it) is set in the browser's extension shortcuts page.
      </p>
      <form onSubmit={save}>
        <div class="shortcut-grid">
          {SHORTCUT_ACTIONS.map((action) => (
            <label key={action}>
              {SHORTCUT_LABELS[action]}
              <input
                type="text"
                class="shortcut-key"
                aria-label={`Key for ${SHORTCUT_LABELS[action]}`}
                value={keys[action]}
                onInput={(event) => setKeys({ ...keys, [action]: event.currentTarget.value })}
              />
            </label>
          ))}
        </div>
        <button type="submit">Save shortcuts</button>{' '}
        <button type="button" onClick={() => setKeys({ ...DEFAULT_SHORTCUTS })}>
          Restore defaults
        </button>
        {note && (
          <div class={note.error ? 'error' : ''} aria-live="polite" data-shortcuts-note>
            {note.lines.map((line) => (
              <p key={line}>{line}</p>
            ))}
          </div>
        )}
      </form>
    </section>
  );
}
