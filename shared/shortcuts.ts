/**
 * Keyboard shortcuts: what each does, its default key, and the rules a remapping must follow. Shared:
 * the extension's controls and the dashboard's rating pages answer the same keys. No zod here (the
 * content script imports this); the extension's settings.ts builds the stored setting's schema from it.
 */
export const SHORTCUT_ACTIONS = [
  'thumbsUp',
  'thumbsDown',
  'score1',
  'score2',
  'score3',
  'score4',
  'score5',
  'comment',
  'correction',
  'next',
  'previous',
  'compare',
  'pickA',
  'pickB',
  'pickTie',
  'help',
] as const;
export type ShortcutAction = (typeof SHORTCUT_ACTIONS)[number];
export type Shortcuts = Record<ShortcutAction, string>;

/**
 * Single keys, no modifiers, so they never shadow the browser's or the site's Ctrl/Alt/Cmd shortcuts;
 * j/k and the compare keys a/b/e follow what annotation tools (LangSmith, Label Studio) made familiar.
 */
export const DEFAULT_SHORTCUTS: Shortcuts = {
  thumbsUp: '+',
  thumbsDown: '-',
  score1: '1',
  score2: '2',
  score3: '3',
  score4: '4',
  score5: '5',
  comment: 'c',
  correction: 'w',
  next: 'j',
  previous: 'k',
  compare: 'v',
  pickA: 'a',
  pickB: 'b',
  pickTie: 'e',
  help: '?',
};

export const SHORTCUT_LABELS: Record<ShortcutAction, string> = {
  thumbsUp: 'Thumbs up',
  thumbsDown: 'Thumbs down',
  score1: 'Score 1 of 5 (0)',
  score2: 'Score 2 of 5 (25)',
  score3: 'Score 3 of 5 (50)',
  score4: 'Score 4 of 5 (75)',
  score5: 'Score 5 of 5 (100)',
  comment: 'Comment (and rubric)',
  correction: 'Write a better response',
  next: 'Next response',
  previous: 'Previous response',
  compare: 'Compare variants',
  pickA: 'Compare: A is better',
  pickB: 'Compare: B is better',
  pickTie: 'Compare: tie',
  help: 'Show these shortcuts',
};

/** Keys chat pages and browsers rely on: never ours. */
export const RESERVED_KEYS = new Set(['/', ' ', 'Escape', 'Enter', 'Tab', 'Backspace', 'Delete']);

/** Why `shortcuts` cannot be saved (one message per problem), or nothing. */
export function shortcutProblems(shortcuts: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const used = new Map<string, ShortcutAction>();
  for (const action of SHORTCUT_ACTIONS) {
    const key = shortcuts[action];
    const label = SHORTCUT_LABELS[action];
    if (key === undefined || key === '') {
      problems.push(`${label}: choose a key`);
      continue;
    }
    if ([...key].length !== 1 || key.trim() === '') {
      problems.push(`${label}: must be one printable key, not "${key}"`);
      continue;
    }
    if (RESERVED_KEYS.has(key)) {
      problems.push(`${label}: "${key}" is kept for the page`);
      continue;
    }
    const clash = used.get(key.toLowerCase());
    if (clash) problems.push(`${label}: "${key}" is already used by ${SHORTCUT_LABELS[clash]}`);
    else used.set(key.toLowerCase(), action);
  }
  return problems;
}

/** Stored shortcuts over the defaults (a setting saved before an action existed keeps that action's default). */
export function withDefaults(stored: unknown): Shortcuts {
  const merged: Shortcuts = { ...DEFAULT_SHORTCUTS };
  if (stored && typeof stored === 'object') {
    for (const action of SHORTCUT_ACTIONS) {
      const key = (stored as Record<string, unknown>)[action];
      if (typeof key === 'string') merged[action] = key;
    }
  }
  return shortcutProblems(merged).length === 0 ? merged : { ...DEFAULT_SHORTCUTS };
}
