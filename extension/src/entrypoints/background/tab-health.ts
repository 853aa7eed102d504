import type { PageHealth, TabHealth } from '../../utils/page-health.ts';

/** Where reports live: `storage.session` (kept across service-worker restarts, out of content scripts' reach). */
export interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}

/** The toolbar button, per tab. */
export interface BadgeApi {
  setBadgeText(details: { tabId: number; text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { tabId: number; color: string }): Promise<void>;
  setTitle(details: { tabId: number; title: string }): Promise<void>;
}

const keyOf = (tabId: number) => `health:${tabId}`;

/**
 * The last health report of each tab. A problem also shows on the toolbar button ("!" and the
 * message as its tooltip), so a silent adapter is noticed without opening the popup.
 */
export function createTabHealth(session: SessionArea, badge: BadgeApi, now: () => Date) {
  return {
    async report(tabId: number, health: PageHealth): Promise<void> {
      const stored: TabHealth = { ...health, receivedAt: now().toISOString() };
      await session.set({ [keyOf(tabId)]: stored });
      await badge.setBadgeText({ tabId, text: health.problem ? '!' : '' });
      if (health.problem) await badge.setBadgeBackgroundColor({ tabId, color: '#cf222e' });
      await badge.setTitle({ tabId, title: health.problem ? `Margin: ${health.problem.message}` : 'Margin' });
    },
    async get(tabId: number): Promise<TabHealth | null> {
      return ((await session.get(keyOf(tabId)))[keyOf(tabId)] as TabHealth | undefined) ?? null;
    },
    /** The tab closed or loaded another page: its report no longer applies. */
    async forget(tabId: number): Promise<void> {
      await session.remove(keyOf(tabId));
    },
  };
}
