import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from '../support/http-error.ts';

export interface RateLimitOptions {
  /** Requests a token may make in a burst. */
  burst: number;
  /** Requests per second a token regains, up to `burst`. */
  perSecond: number;
}

/**
 * A token bucket per pairing token (every local caller is 127.0.0.1, so an address says nothing).
 * Keyed by a hash so the token itself is not kept around in another place.
 */
export function rateLimit(options: RateLimitOptions, now: () => number = () => performance.now()): RequestHandler {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (_req, res, next) => {
    const token = res.locals.token as string | undefined;
    if (token === undefined) return next(); // public routes
    const key = createHash('sha256').update(token).digest('base64url');
    const time = now();
    const bucket = buckets.get(key) ?? { tokens: options.burst, at: time };
    bucket.tokens = Math.min(options.burst, bucket.tokens + ((time - bucket.at) / 1000) * options.perSecond);
    bucket.at = time;
    buckets.set(key, bucket);
    res.set('RateLimit-Limit', String(options.burst));
    if (bucket.tokens < 1) {
      const retryAfter = Math.ceil((1 - bucket.tokens) / options.perSecond);
      res.set({ 'RateLimit-Remaining': '0', 'Retry-After': String(retryAfter) });
      next(new HttpError(429, 'rate_limited', `Too many requests; retry in ${retryAfter} s.`));
      return;
    }
    bucket.tokens -= 1;
    res.set('RateLimit-Remaining', String(Math.floor(bucket.tokens)));
    next();
  };
}
