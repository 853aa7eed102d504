import type { CompanionEndpoint } from '../../sync/companion-client.ts';

export interface ReviewBadgeDeps {
  /** The paired companion, or null when this browser works alone. */
  paired(): Promise<CompanionEndpoint | null>;
  pendingReviews(endpoint: CompanionEndpoint): Promise<{ pending: number }>;
  setBadgeText(details: { text: string }): Promise<void>;
  /** Registers for the browser's start and for install/update: the badge is computed then too. */
  onStartup(listener: () => void): void;
  onInstalled(listener: () => void): void;
}

/**
 * The toolbar badge counts the reviews waiting in the companion's queue (docs/reviews.md). A sync
 * refreshes it, but a browser that just started may not sync for minutes: the count is asked for at
 * start-up and install too. An unreachable companion leaves the badge as it is.
 */
export function wireReviewBadge(deps: ReviewBadgeDeps): () => Promise<void> {
  async function refresh(): Promise<void> {
    const endpoint = await deps.paired().catch(() => null);
    if (!endpoint) return;
    let pending: number;
    try {
      ({ pending } = await deps.pendingReviews(endpoint));
    } catch {
      return;
    }
    await deps.setBadgeText({ text: pending > 0 ? String(pending) : '' });
  }
  deps.onStartup(() => void refresh());
  deps.onInstalled(() => void refresh());
  return refresh;
}
