import { describe, expect, it, vi } from 'vitest';
import { diagnose, NO_TURNS_GRACE_MS, STUCK_STREAMING_MS } from '../../extension/src/annotate/health.ts';
import type { AnnotatorCounts } from '../../extension/src/annotate/page-annotator.tsx';
import { createTabHealth } from '../../extension/src/entrypoints/background/tab-health.ts';

function counts(overrides: Partial<AnnotatorCounts> = {}): AnnotatorCounts {
  return {
    conversationId: 'c-1',
    turns: 4,
    assistantTurns: 2,
    withControls: 2,
    withoutAnchor: 0,
    withoutText: 0,
    streaming: 0,
    stuck: 0,
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

  it('says so when finished responses have no text it can read', () => {
    expect(diagnose('Poe', counts({ withoutText: 1, withControls: 1 }), 10)).toMatchObject({
      kind: 'no-text',
      message: expect.stringMatching(/^Poe: Margin finds 1 finished response but cannot read their text/),
    });
  });

  it('says so when a response followed by later turns never finishes, even if others have controls', () => {
    const quiet = { quietMs: STUCK_STREAMING_MS, withControls: 3, streaming: 1 };
    // The last response may be a long one still being written.
    expect(diagnose('DeepSeek', counts({ ...quiet, stuck: 0 }), 60_000)).toBeNull();
    expect(diagnose('DeepSeek', counts({ ...quiet, stuck: 1 }), 60_000)).toMatchObject({ kind: 'never-finishes' });
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
