import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { RateLimit, RateLimitStore } from '../storage/rate-limit-store.ts';
import { HttpError } from '../support/http-error.ts';

/** Requests a token may make in a burst, and how many per second it regains. */
export type RateLimitOptions = RateLimit;

/**
 * A token bucket per pairing token (every local caller is 127.0.0.1, so an address says nothing),
 * kept in the database so every companion process on it spends from the same bucket. Keyed by a
 * hash so the token itself is not kept anywhere else.
 */
export function rateLimit(
  options: RateLimitOptions,
  buckets: RateLimitStore,
  now: () => number = () => Date.now(),
): RequestHandler {
  return (_req, res, next) => {
    const token = res.locals.token as string | undefined;
    if (token === undefined) return next(); // public routes
    const key = `token:${createHash('sha256').update(token).digest('base64url')}`;
    buckets.take(key, options, now()).then((decision) => {
      res.set('RateLimit-Limit', String(options.burst));
      res.set('RateLimit-Remaining', String(decision.remaining));
      if (!decision.allowed) {
        res.set('Retry-After', String(decision.retryAfterSeconds));
        next(new HttpError(429, 'rate_limited', `Too many requests; retry in ${decision.retryAfterSeconds} s.`));
        return;
      }
      next();
    }, next);
  };
}
