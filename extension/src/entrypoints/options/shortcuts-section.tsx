import { useEffect, useState } from 'preact/hooks';
import {
  DEFAULT_SHORTCUTS,
  SHORTCUT_ACTIONS,
  SHORTCUT_LABELS,
  type Shortcuts,
  shortcutProblems,
} from '../../../../shared/shortcuts.ts';
import { readSettings, shortcutsItem } from '../../utils/settings.ts';
import { useSection } from './save-bar.tsx';
import './annotate-sections.css';

type Note = { error: boolean; lines: string[] } | null;

/**
 * Remapping the keyboard shortcuts: one key per action, no two the same, none the page relies on
 * (Enter, Esc, Tab, space, /). Open chat pages pick the new keys up at once.
 */
export function ShortcutsSection() {
  const [saved, setSaved] = useState<Shortcuts | null>(null);
  const [keys, setKeys] = useState<Shortcuts | null>(null);
  const [note, setNote] = useState<Note>(null);
  useEffect(() => {
    void readSettings().then((settings) => {
      setSaved(settings.shortcuts);
      setKeys(settings.shortcuts);
    });
  }, []);
  const dirty = saved !== null && keys !== null && JSON.stringify(saved) !== JSON.stringify(keys);
  useSection('Keyboard shortcuts', dirty, {
    async save() {
      if (!keys) return true;
      const problems = shortcutProblems(keys);
      if (problems.length > 0) {
        setNote({ error: true, lines: problems });
        return false;
      }
      await shortcutsItem.setValue(keys);
      setSaved(keys);
      setNote({ error: false, lines: ['Shortcuts saved. Open chat pages use them now.'] });
      return true;
    },
    discard() {
      setKeys(saved);
      setNote(null);
    },
  });
  if (!keys) return null;

  return (
    <section aria-labelledby="shortcuts-heading">
      <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
      <p>
        On a chat page, these keys act on the response whose controls have the focus, else on the one most in view. They
        never fire while you type in the page's message box or any other field. The browser shortcut that opens the
        latest response's controls (Alt+Shift+M unless you change it) is set in the browser's extension shortcuts page.
      </p>
      <div>
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
      </div>
    </section>
  );
}
