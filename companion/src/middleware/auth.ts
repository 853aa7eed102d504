import type { RequestHandler } from 'express';
import {
  API,
  API_ROUTES,
  isPublicRoute,
  matchesRoute,
  orList,
  type RouteContract,
  routeAllows,
} from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { type Caller, OWNER } from '../accounts/caller.ts';
import { HttpError } from '../support/http-error.ts';

/** base64url, and one `.` between a user's name and their secret (accounts/user-tokens.ts). */
const BEARER = /^Bearer ([A-Za-z0-9_.-]{1,256})$/;

/** The token an Authorization header carries, if it is shaped like one. */
export function bearerToken(header: string | undefined): string | undefined {
  return BEARER.exec(header ?? '')?.[1];
}

/**
 * Routes anyone on the loopback may call without the token: the table's public routes (health, the
 * sign-in exchange). They must return no data. The dashboard's files are public too but answer
 * before this check (app.ts); a path they do not serve falls through to it like any other.
 */
export const TOKENLESS_ROUTES: readonly RouteContract[] = API_ROUTES.filter(
  (route) => isPublicRoute(route) && route !== API.dashboard.files,
);

export interface AuthDeps {
  /** Constant-time check of the pairing token (the personal owner's). */
  verifyToken(candidate: string): boolean;
  /** The team's users; left out, the pairing token is the only one. */
  accounts?: Accounts | undefined;
}

function unauthorized(): HttpError {
  return new HttpError(
    401,
    'unauthorized',
    'A valid token is required: Authorization: Bearer <token> (the pairing token, or a personal token from "margin user add").',
  );
}

/**
 * Third check: `Authorization: Bearer <token>` on every route but the public ones (unknown routes
 * included, so a caller without a token learns nothing about which routes exist). The token names
 * the caller (`res.locals.user`): the pairing token is the owner, an admin; any other must be a
 * user's, not rotated away nor revoked. Whether the caller's role may call the route is checked
 * where the route is mounted (`checkRole`, from routes/define-route.ts), which knows the route.
 */
export function requireToken(deps: AuthDeps): RequestHandler {
  return (req, res, next) => {
    if (TOKENLESS_ROUTES.some((route) => matchesRoute(route, req.method, req.path))) return next();
    const token = bearerToken(req.headers.authorization);
    const fail = () => {
      res.set('WWW-Authenticate', 'Bearer');
      next(unauthorized());
    };
    if (token === undefined) return fail();
    if (deps.verifyToken(token)) {
      res.locals.token = token;
      res.locals.user = OWNER;
      return next();
    }
    if (deps.accounts === undefined) return fail();
    deps.accounts.authenticate(token).then((user) => {
      if (user === undefined) return fail();
      res.locals.token = token;
      res.locals.user = user;
      next();
    }, next);
  };
}

/**
 * The route's roles against the caller's: a 401 when no token named a caller (whatever the order of
 * the middleware), a 403 naming both when the role is not one the route allows.
 */
export function checkRole(route: RouteContract, caller: Caller | undefined): void {
  if (route.access.kind === 'public') return;
  if (caller === undefined) throw unauthorized();
  if (routeAllows(route, caller.role)) return;
  throw new HttpError(
    403,
    'forbidden_role',
    `"${caller.name}" is a${caller.role === 'admin' || caller.role === 'annotator' ? 'n' : ''} ${caller.role}; ` +
      `${route.id} (${route.method} ${route.path}) needs the role ${orList(route.access.roles)}.`,
  );
}
