/** The longest wait between two attempts while the companion is down. */
export const MAX_BACKOFF_MS = 15 * 60 * 1000;

/**
 * Exponential backoff: the first retry after one sync interval, then twice as long each time, at most
 * MAX_BACKOFF_MS (or the interval, if that is longer), with ±20 % jitter so profiles that lost the
 * companion together do not come back in step.
 */
export function backoffDelayMs(attempt: number, intervalMs: number, random: () => number = Math.random): number {
  const cap = Math.max(intervalMs, MAX_BACKOFF_MS);
  const base = Math.min(intervalMs * 2 ** Math.max(0, attempt - 1), cap);
  return Math.round(base * (0.8 + 0.4 * random()));
}
