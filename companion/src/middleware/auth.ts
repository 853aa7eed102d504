import type { RequestHandler } from 'express';
import { HttpError } from '../support/http-error.ts';

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,256})$/;

/** Routes anyone on the loopback may call without the token. They must return no data. */
const PUBLIC_ROUTES = new Set([
  'GET /api/v1/health',
  'HEAD /api/v1/health',
  // The dashboard trades a one-time code for the token here (routes/sign-in.ts): it has no token yet.
  'POST /api/v1/sign-in',
]);

/**
 * Third check: `Authorization: Bearer <token>` on every route but the public ones (unknown routes
 * included, so a caller without the token learns nothing about which routes exist).
 */
export function requireToken(verifyToken: (candidate: string) => boolean): RequestHandler {
  return (req, res, next) => {
    if (PUBLIC_ROUTES.has(`${req.method} ${req.path}`)) return next();
    const match = BEARER.exec(req.headers.authorization ?? '');
    if (match?.[1] === undefined || !verifyToken(match[1])) {
      res.set('WWW-Authenticate', 'Bearer');
      next(new HttpError(401, 'unauthorized', 'A valid pairing token is required: Authorization: Bearer <token>.'));
      return;
    }
    res.locals.token = match[1];
    next();
  };
}
