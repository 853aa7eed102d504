import type { Request } from 'express';
import { API, type SignInCodeResponse, type SignInResponse } from '../../../shared/index.ts';
import { HttpError } from '../support/http-error.ts';
import { isOwnOrigin, ownOrigin } from '../support/own-origin.ts';
import type { SignInCodes } from '../support/sign-in-codes.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** The Origin check let through no Origin and extension origins too: the exchange wants the dashboard. */
function dashboardOriginOnly(req: Request): void {
  if (!isOwnOrigin(req, req.headers.origin)) {
    throw new HttpError(403, 'forbidden_origin', 'Only the dashboard page can sign in with a code.');
  }
}

/**
 * One-time sign-in for the dashboard. `POST /api/v1/sign-in/codes` needs the token (the extension's
 * popup or `margin dashboard` call it) and answers a link with a code in its fragment;
 * `POST /api/v1/sign-in` is public (its contract, shared/api/dashboard.ts) but only the dashboard's own page may call
 * it, and it trades a valid code for the token once.
 */
export function signInRoutes(codes: SignInCodes, currentToken: () => string): RouteDefinition[] {
  return [
    defineRoute(API.dashboard.signInCodes, async ({ req }) => {
      const { code, expiresAt } = await codes.issue();
      // The Host check has already pinned this to a loopback name and the port of this companion, or a
      // team server's public host; the scheme is the one the request came by (https behind TLS).
      const body: SignInCodeResponse = {
        code,
        expiresAt: expiresAt.toISOString(),
        url: `${ownOrigin(req)}/#sign-in=${code}`,
      };
      return body;
    }),

    defineRoute(
      API.dashboard.signIn,
      async ({ body: { code } }) => {
        if (!(await codes.redeem(code))) {
          throw new HttpError(
            401,
            'invalid_code',
            'This sign-in link has expired or was used already; open a new one.',
          );
        }
        const body: SignInResponse = { token: currentToken() };
        return body;
      },
      { guard: dashboardOriginOnly },
    ),
  ];
}
