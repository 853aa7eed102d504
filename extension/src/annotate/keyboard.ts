import { SHORTCUT_ACTIONS, type ShortcutAction, type Shortcuts } from '../../../shared/shortcuts.ts';
import type { ControlsCommand } from './controls.tsx';
import type { Mounted, ResponseControls } from './response-controls.ts';

/** What each action asks of the response's controls; the 1–5 keys store 0–100. */
const COMMANDS: Partial<Record<ShortcutAction, ControlsCommand>> = {
  thumbsUp: { type: 'thumb', thumb: 'up' },
  thumbsDown: { type: 'thumb', thumb: 'down' },
  score1: { type: 'score', score: 0 },
  score2: { type: 'score', score: 25 },
  score3: { type: 'score', score: 50 },
  score4: { type: 'score', score: 75 },
  score5: { type: 'score', score: 100 },
  comment: { type: 'open', panel: 'comment' },
  correction: { type: 'open', panel: 'correction' },
  compare: { type: 'open', panel: 'compare' },
  pickA: { type: 'pick', winner: 'a' },
  pickB: { type: 'pick', winner: 'b' },
  pickTie: { type: 'pick', winner: 'tie' },
};

/**
 * The responses shortcuts act on: those with controls, and `step` to the next or previous one in the
 * thread, which gives a response far from the viewport its controls when the shortcut reaches it.
 */
export type ShortcutTargets = Pick<ResponseControls, 'responses' | 'focusedResponse' | 'focusedInside' | 'run'> & {
  step(from: Mounted | null, direction: 1 | -1): Mounted | null;
};

/** What the cheat sheet needs from keyboard handling. */
export interface CheatSheet {
  readonly open: boolean;
  toggle(shortcuts: Shortcuts): void;
  close(): void;
}

/** Input types that take no text: keys pressed on them are not typing. */
const NON_TEXT_INPUTS = new Set(['button', 'submit', 'reset', 'checkbox', 'radio', 'image']);
const TEXT_ROLES = new Set(['textbox', 'searchbox', 'combobox', 'spinbutton']);

/** True when keys pressed with `element` focused go into it as text (the composer, any field). */
export function isTyping(element: Element | null): boolean {
  if (!element) return false;
  if ((element as HTMLElement).isContentEditable) return true;
  const tag = element.localName;
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') return !NON_TEXT_INPUTS.has((element as HTMLInputElement).type);
  return TEXT_ROLES.has(element.getAttribute('role') ?? '');
}

/** The focused element, looking into open shadow roots (closed ones hide theirs, ours included). */
function deepActiveElement(doc: Document): Element | null {
  let active = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/**
 * Keyboard-first annotation: single keys (remappable in the options) act on the response whose
 * controls have the focus, else on the one that fills most of the viewport.
 *
 * They never fire while the person types: not in the page's composer or any field, editable element
 * or IME composition, nor in our own fields. They never take a key with Ctrl, Alt or Cmd, so the
 * browser's and the site's own shortcuts keep working, nor a key the site has already handled
 * (`defaultPrevented`). A key they act on stops there (capture phase on `window`, before the page's
 * listeners), so the site does not also see it, e.g. as text for its composer.
 */
export class KeyboardShortcuts {
  private byKey = new Map<string, ShortcutAction>();

  constructor(
    private readonly controls: ShortcutTargets,
    private readonly doc: Document,
    private readonly sheet: CheatSheet,
    private shortcuts: Shortcuts,
  ) {
    this.setShortcuts(shortcuts);
  }

  setShortcuts(shortcuts: Shortcuts): void {
    this.shortcuts = shortcuts;
    this.byKey = new Map(SHORTCUT_ACTIONS.map((action) => [shortcuts[action], action]));
  }

  /** The window's capture-phase keydown listener. */
  readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'Escape' && this.sheet.open) {
      this.sheet.close();
      this.consume(event);
      return;
    }
    const action = this.actionOf(event);
    if (!action) return;
    const focused = this.controls.focusedResponse();
    if (focused) {
      if (isTyping(this.controls.focusedInside(focused))) return;
    } else {
      const target = event.composedPath()[0];
      if (isTyping(deepActiveElement(this.doc)) || (target instanceof Element && isTyping(target))) return;
    }
    if (this.act(action, focused)) this.consume(event);
  };

  private actionOf(event: KeyboardEvent): ShortcutAction | null {
    const direct = this.byKey.get(event.key);
    if (direct) return direct;
    // Digits by position too, for layouts (AZERTY) where the digit row types other characters.
    const digit = event.code.match(/^(?:Digit|Numpad)([0-9])$/)?.[1];
    return digit ? (this.byKey.get(digit) ?? null) : null;
  }

  private consume(event: KeyboardEvent): void {
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  /** Does what `action` says; false when it does not apply here (the key then goes on to the page). */
  private act(action: ShortcutAction, focused: Mounted | null): boolean {
    // Only the responses near the viewport have controls: the one most in view is among them.
    const responses = this.controls.responses();
    const current = focused ?? this.mostVisible(responses);
    if (action === 'next' || action === 'previous') {
      // Reaches responses far from the viewport too: the focus scrolls the one it lands on into view.
      const next = this.controls.step(current, action === 'next' ? 1 : -1);
      return next ? this.controls.run(next, { type: 'focus' }) : false;
    }
    if (responses.length === 0) return false;
    if (action === 'help') {
      this.sheet.toggle(this.shortcuts);
      return true;
    }
    if (!current) return false;
    const command = COMMANDS[action];
    if (!command) return false;
    return this.controls.run(current, command);
  }

  /** The response whose turn takes up most of the viewport. */
  private mostVisible(responses: Mounted[]): Mounted | null {
    const height = this.doc.defaultView?.innerHeight ?? 0;
    let best: Mounted | null = null;
    let bestVisible = 0;
    for (const mounted of responses) {
      const rect = mounted.turn.getBoundingClientRect();
      const visible = Math.min(rect.bottom, height) - Math.max(rect.top, 0);
      if (visible > bestVisible) {
        best = mounted;
        bestVisible = visible;
      }
    }
    return best;
  }
}
