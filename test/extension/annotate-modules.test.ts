import { Window } from 'happy-dom';
import { describe, expect, it, vi } from 'vitest';
import { compareCandidates, previousVerdict } from '../../extension/src/annotate/compare-candidates.ts';
import { diagnose, NO_TURNS_GRACE_MS, STUCK_STREAMING_MS } from '../../extension/src/annotate/health.ts';
import { isTyping } from '../../extension/src/annotate/keyboard.ts';
import type { AnnotatorCounts } from '../../extension/src/annotate/page-annotator.tsx';
import { PageObserver } from '../../extension/src/annotate/page-observer.ts';
import {
  ANNOTATE_SELECTION_MENU,
  OPEN_LATEST_COMMAND,
  onCommand,
  onMenuClicked,
  selectionMenuItem,
} from '../../extension/src/entrypoints/background/page-actions.ts';
import {
  SELF_HOSTED_SCRIPT_ID,
  syncSelfHostedScripts,
} from '../../extension/src/entrypoints/background/self-hosted.ts';
import { createTabHealth } from '../../extension/src/entrypoints/background/tab-health.ts';
import type { ResponseCaptureInput } from '../../extension/src/utils/annotation-input.ts';
import { originPattern } from '../../extension/src/utils/origin-pattern.ts';
import { DEFAULT_SHORTCUTS, shortcutProblems, withDefaults } from '../../extension/src/utils/shortcuts.ts';

function counts(overrides: Partial<AnnotatorCounts> = {}): AnnotatorCounts {
  return {
    conversationId: 'c-1',
    turns: 4,
    assistantTurns: 2,
    withControls: 2,
    withoutAnchor: 0,
    streaming: 0,
    oldestStreamingMs: 0,
    quietMs: 0,
    ...overrides,
  };
}

describe('health check', () => {
  it('is quiet while the adapter does its job', () => {
    expect(diagnose('ChatGPT', counts(), 60_000)).toBeNull();
    // A new chat without an id has no messages yet: nothing wrong.
    expect(diagnose('ChatGPT', counts({ conversationId: null, turns: 0 }), 60_000)).toBeNull();
    // Messages may take a moment to render.
    expect(diagnose('ChatGPT', counts({ turns: 0 }), NO_TURNS_GRACE_MS - 1)).toBeNull();
    // A long answer still being written, page busy.
    expect(diagnose('ChatGPT', counts({ streaming: 1, withControls: 0, quietMs: 1_000 }), 60_000)).toBeNull();
  });

  it('names the site and what failed', () => {
    expect(diagnose('ChatGPT', counts({ turns: 0 }), NO_TURNS_GRACE_MS)).toMatchObject({
      kind: 'no-turns',
      message: expect.stringMatching(/^ChatGPT: Margin finds no messages on this conversation page/),
    });
    expect(diagnose('Claude', counts({ withoutAnchor: 2, withControls: 0 }), 10)).toMatchObject({
      kind: 'no-anchor',
      message: expect.stringMatching(/^Claude: Margin finds 2 finished responses but no place to put its controls/),
    });
    expect(
      diagnose('Gemini', counts({ streaming: 3, withControls: 0, quietMs: STUCK_STREAMING_MS }), 60_000),
    ).toMatchObject({
      kind: 'never-finishes',
      message: expect.stringMatching(/^Gemini: 3 responses never look finished/),
    });
  });
});

describe('tab health store', () => {
  it('keeps the last report per tab and flags a problem on the toolbar button', async () => {
    const stored: Record<string, unknown> = {};
    const session = {
      get: async (key: string) => (key in stored ? { [key]: stored[key] } : {}),
      set: async (items: Record<string, unknown>) => void Object.assign(stored, items),
      remove: async (key: string) => void delete stored[key],
    };
    const badge = { setBadgeText: vi.fn(), setBadgeBackgroundColor: vi.fn(), setTitle: vi.fn() };
    const health = createTabHealth(session, badge, () => new Date('2026-09-01T10:00:00.000Z'));
    const problem = { kind: 'no-turns' as const, message: 'ChatGPT: Margin finds no messages.' };
    const report = {
      site: 'chatgpt',
      conversationId: 'c',
      turns: 0,
      assistantTurns: 0,
      withControls: 0,
      withoutAnchor: 0,
      streaming: 0,
      problem,
    };
    await health.report(7, report);
    expect(await health.get(7)).toEqual({ ...report, receivedAt: '2026-09-01T10:00:00.000Z' });
    expect(await health.get(8)).toBeNull();
    expect(badge.setBadgeText).toHaveBeenLastCalledWith({ tabId: 7, text: '!' });
    expect(badge.setTitle).toHaveBeenLastCalledWith({ tabId: 7, title: `Margin: ${problem.message}` });
    await health.report(7, { ...report, turns: 4, problem: null });
    expect(badge.setBadgeText).toHaveBeenLastCalledWith({ tabId: 7, text: '' });
    await health.forget(7);
    expect(await health.get(7)).toBeNull();
  });
});

describe('context menu and command', () => {
  it('hands "Annotate selection" to the content script of the tab and frame it was chosen in', async () => {
    const send = vi.fn(async () => ({ ok: true }));
    await onMenuClicked({ menuItemId: ANNOTATE_SELECTION_MENU, selectionText: 'Paris', frameId: 2 }, { id: 5 }, send);
    expect(send).toHaveBeenCalledWith('annotateSelection', { text: 'Paris' }, { tabId: 5, frameId: 2 });
    await onMenuClicked({ menuItemId: 'other' }, { id: 5 }, send);
    await onMenuClicked({ menuItemId: ANNOTATE_SELECTION_MENU }, undefined, send);
    expect(send).toHaveBeenCalledTimes(1);
    expect(selectionMenuItem(['https://chatgpt.com/*'])).toEqual({
      id: ANNOTATE_SELECTION_MENU,
      title: 'Annotate selection',
      contexts: ['selection'],
      documentUrlPatterns: ['https://chatgpt.com/*'],
    });
  });

  it('opens the latest response’s controls in the active tab on the command', async () => {
    const send = vi.fn(async () => ({ ok: true }));
    await onCommand(OPEN_LATEST_COMMAND, { id: 3 }, send);
    expect(send).toHaveBeenCalledWith('openLatestControls', undefined, { tabId: 3 });
    await onCommand('something-else', { id: 3 }, send);
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('self-hosted content script registration', () => {
  function fakeScripting() {
    let registered: { id: string; matches: string[] }[] = [];
    return {
      get registered() {
        return registered;
      },
      getRegisteredContentScripts: async ({ ids }: { ids: string[] }) =>
        registered.filter((script) => ids.includes(script.id)),
      registerContentScripts: async (scripts: { id: string; matches: string[] }[]) => {
        if (scripts.some((script) => registered.some((known) => known.id === script.id))) throw new Error('duplicate');
        registered = [...registered, ...scripts];
      },
      unregisterContentScripts: async ({ ids }: { ids: string[] }) => {
        registered = registered.filter((script) => !ids.includes(script.id));
      },
    };
  }

  it('registers the content script on the granted origins only, and again when they change', async () => {
    const scripting = fakeScripting();
    const granted = new Set(['http://localhost/*']);
    const permissions = {
      contains: async ({ origins }: { origins: string[] }) => origins.every((o) => granted.has(o)),
    };
    const origins = ['http://localhost:3000', 'https://chat.example.org'];
    expect(await syncSelfHostedScripts(origins, scripting, permissions)).toEqual(['http://localhost:3000']);
    expect(scripting.registered).toMatchObject([{ id: SELF_HOSTED_SCRIPT_ID, matches: ['http://localhost/*'] }]);

    granted.add('https://chat.example.org/*');
    expect(await syncSelfHostedScripts(origins, scripting, permissions)).toEqual(origins);
    expect(scripting.registered).toMatchObject([
      { id: SELF_HOSTED_SCRIPT_ID, matches: ['http://localhost/*', 'https://chat.example.org/*'] },
    ]);

    expect(await syncSelfHostedScripts([], scripting, permissions)).toEqual([]);
    expect(scripting.registered).toEqual([]);
  });

  it('asks for the host, never a port (Firefox refuses ports in match patterns)', () => {
    expect(originPattern('http://localhost:3000')).toBe('http://localhost/*');
    expect(originPattern('https://chat.example.org')).toBe('https://chat.example.org/*');
  });
});

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

describe('compare candidates', () => {
  const capture = (messageId: string, index: number, overrides: Partial<ResponseCaptureInput> = {}) => ({
    site: 'chatgpt',
    url: 'https://chatgpt.com/c/c-1',
    conversationId: 'c-1',
    messageId,
    model: null,
    modelSource: 'unknown' as const,
    context: [{ role: 'user' as const, content: 'Q' }],
    response: `Answer ${index} ${'long text '.repeat(30)}`,
    variant: { index, count: 3, group: 'g-1' },
    missingContextTurns: 0,
    ...overrides,
  });

  it('offers the other variants of the same prompt and context, in order, with the verdict so far', () => {
    const current = capture('m-2', 2);
    const seen = new Map(
      [
        capture('m-3', 3),
        capture('m-1', 1),
        current,
        capture('m-x', 1, { context: [{ role: 'user', content: 'Other' }] }),
        capture('m-y', 1, { variant: { index: 1, count: 3, group: 'g-2' } }),
      ].map((entry) => [entry.messageId, entry]),
    );
    const candidates = compareCandidates(current, seen, [{ a: 'm-1', b: 'm-2', winner: 'a', revision: 1 }]);
    expect(candidates.map((candidate) => [candidate.messageId, candidate.label, candidate.previous])).toEqual([
      ['m-1', 'Variant 1 of 3', 'b'],
      ['m-3', 'Variant 3 of 3', null],
    ]);
    expect(candidates[0]?.preview.length).toBeLessThanOrEqual(140);
    expect(candidates[0]?.preview.endsWith('…')).toBe(true);
    expect(compareCandidates(capture('m-2', 2, { variant: null }), seen, [])).toEqual([]);
    expect(previousVerdict([{ a: 'x', b: 'y', winner: 'tie', revision: 1 }], 'y', 'x')).toBe('tie');
  });
});

describe('page observer', () => {
  it('leaves the text of a streaming response out, and sees everything else', async () => {
    const window = new Window();
    const document = window.document;
    // PageObserver uses the global MutationObserver, as in a content script.
    vi.stubGlobal('MutationObserver', window.MutationObserver);
    document.body.innerHTML =
      '<main><div id="list"><section id="t1"><div class="text">a</div><div class="bar"></div></section><section id="t2"></section></div><form id="composer"><button id="stop"></button></form></main>';
    const records: MutationRecord[][] = [];
    const observer = new PageObserver(document.documentElement as unknown as Element, ['data-x'], (batch) =>
      records.push(batch),
    );
    observer.observeAll();
    const text = document.querySelector('.text') as unknown as Element;
    observer.exclude([text]);

    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    text.append(document.createElement('span') as unknown as Node);
    await settle();
    expect(records).toHaveLength(0);

    document.querySelector('.bar')?.append(document.createElement('button'));
    await settle();
    expect(records).toHaveLength(1);
    document.querySelector('#stop')?.remove();
    await settle();
    expect(records).toHaveLength(2);
    // A node added beside the path is covered as it arrives, subtree included.
    const added = document.createElement('section');
    document.querySelector('#list')?.append(added);
    await settle();
    added.append(document.createElement('p'));
    await settle();
    expect(records).toHaveLength(4);
    text.setAttribute('data-x', '1');
    await settle();
    expect(records).toHaveLength(5);

    observer.exclude([]);
    text.append(document.createElement('span') as unknown as Node);
    await settle();
    expect(records).toHaveLength(6);
    observer.disconnect();
    vi.unstubAllGlobals();
    await window.happyDOM.close();
  });
});
