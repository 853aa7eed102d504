import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { tokenUser } from '../accounts/user-tokens.ts';
import type { RateLimit, RateLimitStore } from '../storage/rate-limit-store.ts';
import { HttpError } from '../support/http-error.ts';
import { bearerToken } from './auth.ts';

/** Failed sign-ins an address may make at once, and how fast it regains them (one a minute). */
export const DEFAULT_SIGN_IN_LIMIT: RateLimit = { burst: 10, perSecond: 1 / 60 };

/**
 * Failed sign-ins (a 401: a wrong or missing token, a spent sign-in code) per client address and per
 * user the token names, in the database so every companion process on it counts together. Mounted before the token check: an
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
    count: (error, req, res, next) => {
      if (!(error instanceof HttpError) || error.status !== 401) return next(error);
      const at = now();
      const user = userOf(req);
      Promise.all([
        buckets.take(keyOf(req), limit, at),
        user === undefined ? undefined : buckets.take(`sign-in-failures:user:${user}`, limit, at),
      ]).then(
        ([, forUser]) => {
          if (user === undefined || forUser === undefined || forUser.allowed) return next(error);
          res.set('Retry-After', String(forUser.retryAfterSeconds));
          next(tooManyForUser(user, forUser.retryAfterSeconds));
        },
        () => next(error),
      );
    },
  };
}

/**
 * The user a failed sign-in claims to be: a user's token names them (accounts/user-tokens.ts), so a
 * wrong, rotated or revoked token in their name counts against them from any address.
 */
function userOf(req: Request): string | undefined {
  const token = bearerToken(req.headers.authorization);
  return token === undefined ? undefined : tokenUser(token);
}

/**
 * Failures in one user's name, from however many addresses, past the limit. The user's own working
 * token is still let in (the check runs only after the token failed): a limit that refused it would
 * let anyone who knows a colleague's name lock them out, and their 256-bit token cannot be guessed
 * anyway. What it stops is a stale or stolen token of theirs being replayed unnoticed: the caller is
 * told to wait, and the 429 stands out in a log where a stream of 401s would not.
 */
function tooManyForUser(user: string, retryAfter: number): HttpError {
  return new HttpError(
    429,
    'too_many_sign_ins',
    `Too many failed sign-ins in the name of "${user}" (from any address); retry in ${retryAfter} s. ` +
      `If this is your browser, its token was rotated or revoked: ask an admin for a new one ("margin user rotate ${user}").`,
  );
}
