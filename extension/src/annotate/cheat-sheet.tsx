import { render } from 'preact';
import { SHORTCUT_ACTIONS, SHORTCUT_LABELS, type Shortcuts } from '../../../shared/shortcuts.ts';
import type { CheatSheet } from './keyboard.ts';
import { pageTheme } from './theme.ts';

/** The cheat sheet's host tag (apart from the controls' hosts, which are one per response). */
export const SHEET_TAG = 'margin-shortcuts';

const SHEET_CSS = `
:host { all: initial; position: fixed; right: 16px; bottom: 16px; z-index: 2147483647; }
.sheet { --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --line: #d1d9e0; --accent: #0969da;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg);
  border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; box-shadow: 0 8px 24px rgba(0,0,0,.2); max-width: 360px; }
.sheet[data-theme="dark"] { --fg: #e6edf3; --muted: #9198a1; --bg: #151b23; --line: #3d444d; --accent: #4493f8; }
h2 { font-size: 14px; margin: 0 0 6px; }
p { color: var(--muted); margin: 0 0 6px; }
table { border-collapse: collapse; }
td { padding: 1px 8px 1px 0; }
kbd { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; border: 1px solid var(--line); border-radius: 4px; padding: 0 5px; }
button { font: inherit; color: var(--fg); background: transparent; border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px; cursor: pointer; margin-top: 6px; }
button:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
`;

/** A small panel listing the shortcuts, in its own closed shadow root, toggled by `?`. */
export class ShortcutSheet implements CheatSheet {
  private host: HTMLElement | null = null;
  private root: HTMLElement | null = null;

  constructor(private readonly doc: Document) {}

  get open(): boolean {
    return this.host?.isConnected === true;
  }

  toggle(shortcuts: Shortcuts): void {
    if (this.open) this.close();
    else this.show(shortcuts);
  }

  close(): void {
    if (this.root) render(null, this.root);
    this.host?.remove();
    this.host = null;
    this.root = null;
  }

  private show(shortcuts: Shortcuts): void {
    const host = this.doc.createElement(SHEET_TAG);
    const shadow = host.attachShadow({ mode: 'closed' });
    const style = this.doc.createElement('style');
    style.textContent = SHEET_CSS;
    const root = this.doc.createElement('div');
    shadow.append(style, root);
    for (const type of ['keydown', 'keyup', 'keypress']) {
      shadow.addEventListener(type, (event) => event.stopPropagation());
    }
    this.doc.body.append(host);
    this.host = host;
    this.root = root;
    render(
      <div class="sheet" role="dialog" aria-label="Margin keyboard shortcuts" data-theme={pageTheme(this.doc)}>
        <h2>Margin keyboard shortcuts</h2>
        <p>They act on the response whose controls have the focus, else on the one most in view.</p>
        <table>
          <tbody>
            {SHORTCUT_ACTIONS.map((action) => (
              <tr key={action}>
                <td>
                  <kbd>{shortcuts[action]}</kbd>
                </td>
                <td>{SHORTCUT_LABELS[action]}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>Change them in Margin's options. Esc closes this.</p>
        <button type="button" onClick={() => this.close()}>
          Close
        </button>
      </div>,
      root,
    );
  }
}
