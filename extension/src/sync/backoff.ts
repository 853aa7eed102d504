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

/** A companion asking for more than this is not believed: sync is tried again after an hour anyway. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/**
 * How long a `Retry-After` header asks to wait (RFC 9110: whole seconds, or an HTTP date), within one
 * second and MAX_RETRY_AFTER_MS; one second when it is missing or unreadable, so a 429 never leads
 * to an immediate retry.
 */
export function retryAfterMs(header: string | null, nowMs: number): number {
  const value = header?.trim() ?? '';
  let ms = Number.NaN;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else if (value !== '') ms = Date.parse(value) - nowMs;
  if (!Number.isFinite(ms)) return 1000;
  return Math.min(Math.max(ms, 1000), MAX_RETRY_AFTER_MS);
}
