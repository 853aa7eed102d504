import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { RateLimit, RateLimitStore } from '../storage/rate-limit-store.ts';
import { HttpError } from '../support/http-error.ts';

/** Failed sign-ins an address may make at once, and how fast it regains them (one a minute). */
export const DEFAULT_SIGN_IN_LIMIT: RateLimit = { burst: 10, perSecond: 1 / 60 };

/**
 * Failed sign-ins (a 401: a wrong or missing token, a spent sign-in code) per client address, in the
 * database so every companion process on it counts together. Mounted before the token check: an
 * address out of attempts gets a 429 and its token is not even looked at, so guessing stops there.
 * Only failures spend: a signed-in browser making thousands of requests never meets this limit.
 * `req.ip` is the socket's address, or X-Forwarded-For's when a loopback proxy sent it (--behind-proxy).
 */
export function signInThrottle(
  limit: RateLimit,
  buckets: RateLimitStore,
  now: () => number = () => Date.now(),
): { gate: RequestHandler; count: ErrorRequestHandler } {
  const keyOf = (req: Request) => `sign-in-failures:${req.ip ?? 'unknown'}`;
  return {
    gate: (req, res, next) => {
      buckets.peek(keyOf(req), limit, now()).then((left) => {
        if (left >= 1) return next();
        const retryAfter = Math.ceil(1 / limit.perSecond);
        res.set('Retry-After', String(retryAfter));
        next(
          new HttpError(
            429,
            'too_many_sign_ins',
            `Too many failed sign-ins from this address; retry in ${retryAfter} s.`,
          ),
        );
      }, next);
    },
    // Spent before the 401 is answered, so the next attempt already sees it (another process too).
    count: (error, req, _res, next) => {
      if (!(error instanceof HttpError) || error.status !== 401) return next(error);
      buckets.take(keyOf(req), limit, now()).then(
        () => next(error),
        () => next(error),
      );
    },
  };
}
