import { describe, expect, it } from 'vitest';
import { type ReviewBadgeDeps, wireReviewBadge } from '../../extension/src/entrypoints/background/review-badge.ts';

function fakeDeps(paired: boolean, pending: number | Error) {
  const badge: string[] = [];
  const listeners: Record<'startup' | 'installed', (() => void)[]> = { startup: [], installed: [] };
  const deps: ReviewBadgeDeps = {
    paired: async () => (paired ? { url: 'http://127.0.0.1:8787', token: 't'.repeat(32) } : null),
    pendingReviews: async () => {
      if (pending instanceof Error) throw pending;
      return { pending };
    },
    setBadgeText: async ({ text }) => {
      badge.push(text);
    },
    onStartup: (listener) => listeners.startup.push(listener),
    onInstalled: (listener) => listeners.installed.push(listener),
  };
  return { deps, badge, listeners };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the toolbar badge at start-up', () => {
  it('shows the pending reviews when the browser starts and when the extension is installed, before any sync', async () => {
    const { deps, badge, listeners } = fakeDeps(true, 3);
    wireReviewBadge(deps);
    expect(listeners.startup).toHaveLength(1);
    expect(listeners.installed).toHaveLength(1);
    for (const listener of listeners.startup) listener();
    await settle();
    expect(badge).toEqual(['3']);
    for (const listener of listeners.installed) listener();
    await settle();
    expect(badge).toEqual(['3', '3']);
  });

  it('clears the badge when nothing waits, leaves it alone unpaired or with the companion down', async () => {
    const none = fakeDeps(true, 0);
    await wireReviewBadge(none.deps)();
    expect(none.badge).toEqual(['']);
    const alone = fakeDeps(false, 5);
    await wireReviewBadge(alone.deps)();
    expect(alone.badge).toEqual([]);
    const down = fakeDeps(true, new Error('unreachable'));
    await wireReviewBadge(down.deps)();
    expect(down.badge).toEqual([]);
  });
});
