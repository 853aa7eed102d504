/** A token bucket: `burst` requests at once, `perSecond` regained. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Whole requests left in the bucket after this one. */
  remaining: number;
  /** When refused: seconds until one request is allowed again. */
  retryAfterSeconds: number;
}

/**
 * Token buckets kept in the database, so every companion process on it spends from the same bucket.
 * One atomic statement per request: two processes never both spend the last token.
 */
export interface RateLimitStore {
  /** Takes one request from the bucket `key` at `nowMs` (milliseconds since the epoch). */
  take(key: string, limit: RateLimit, nowMs: number): Promise<RateDecision>;
  /**
   * Whole requests the bucket `key` would allow at `nowMs`, taking none (a bucket never used holds
   * `burst`): a gate that spends only on failures (failed sign-ins) asks this before it checks.
   */
  peek(key: string, limit: RateLimit, nowMs: number): Promise<number>;
}

/** Turns what the bucket holds after a request into the decision and headers' figures. */
export function rateDecision(tokens: number, allowed: boolean, limit: RateLimit): RateDecision {
  return {
    allowed,
    remaining: Math.max(0, Math.floor(tokens)),
    retryAfterSeconds: allowed ? 0 : Math.ceil((1 - tokens) / limit.perSecond),
  };
}
