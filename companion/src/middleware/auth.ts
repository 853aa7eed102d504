import type { RequestHandler } from 'express';
import { API, API_ROUTES, isPublicRoute, matchesRoute, type RouteContract } from '../../../shared/index.ts';
import { HttpError } from '../support/http-error.ts';

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,256})$/;

/**
 * Routes anyone on the loopback may call without the token: the table's public routes (health, the
 * sign-in exchange). They must return no data. The dashboard's files are public too but answer
 * before this check (app.ts); a path they do not serve falls through to it like any other.
 */
export const TOKENLESS_ROUTES: readonly RouteContract[] = API_ROUTES.filter(
  (route) => isPublicRoute(route) && route !== API.dashboard.files,
);

/**
 * Third check: `Authorization: Bearer <token>` on every route but the public ones (unknown routes
 * included, so a caller without the token learns nothing about which routes exist).
 */
export function requireToken(verifyToken: (candidate: string) => boolean): RequestHandler {
  return (req, res, next) => {
    if (TOKENLESS_ROUTES.some((route) => matchesRoute(route, req.method, req.path))) return next();
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
