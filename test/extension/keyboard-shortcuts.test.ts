import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { isTyping } from '../../extension/src/annotate/keyboard.ts';
import { DEFAULT_SHORTCUTS, shortcutProblems, withDefaults } from '../../shared/shortcuts.ts';

describe('keyboard shortcuts', () => {
  it('refuses duplicate, reserved and multi-character keys, naming the action', () => {
    expect(shortcutProblems(DEFAULT_SHORTCUTS)).toEqual([]);
    expect(shortcutProblems({ ...DEFAULT_SHORTCUTS, comment: 'j' })).toEqual([
      'Next response: "j" is already used by Comment (and rubric)',
    ]);
    expect(shortcutProblems({ ...DEFAULT_SHORTCUTS, help: '/' })).toEqual([
      'Show these shortcuts: "/" is kept for the page',
    ]);
    expect(shortcutProblems({ ...DEFAULT_SHORTCUTS, next: 'jj' })).toEqual([
      'Next response: must be one printable key, not "jj"',
    ]);
    expect(shortcutProblems({ ...DEFAULT_SHORTCUTS, next: '' })).toEqual(['Next response: choose a key']);
  });

  it('keeps stored keys over the defaults, and falls back when they are unusable', () => {
    expect(withDefaults({ thumbsUp: 'u' }).thumbsUp).toBe('u');
    expect(withDefaults({ thumbsUp: 'u' }).thumbsDown).toBe('-');
    expect(withDefaults({ thumbsUp: 'j' })).toEqual(DEFAULT_SHORTCUTS);
    expect(withDefaults('garbage')).toEqual(DEFAULT_SHORTCUTS);
  });

  it('knows typing from pressing keys elsewhere', () => {
    const { document } = new Window();
    const element = (html: string) => {
      const holder = document.createElement('div');
      holder.innerHTML = html;
      return holder.firstElementChild as unknown as Element;
    };
    expect(isTyping(element('<textarea></textarea>'))).toBe(true);
    expect(isTyping(element('<input type="text">'))).toBe(true);
    expect(isTyping(element('<input type="search">'))).toBe(true);
    expect(isTyping(element('<div role="textbox"></div>'))).toBe(true);
    expect(isTyping(element('<select></select>'))).toBe(true);
    expect(isTyping(element('<input type="checkbox">'))).toBe(false);
    expect(isTyping(element('<button>Go</button>'))).toBe(false);
    expect(isTyping(element('<div>text</div>'))).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});
