import type { Request } from 'express';
import { API, type SignInCodeResponse, type SignInResponse } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { callerOf } from '../accounts/caller.ts';
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
 * it, and it trades a valid code for a token once: the pairing token for the owner, a dashboard session
 * (7 days) for a named user.
 */
export function signInRoutes(
  codes: SignInCodes,
  currentToken: () => string,
  accounts: Accounts | undefined,
): RouteDefinition[] {
  return [
    defineRoute(API.dashboard.signInCodes, async ({ req, res }) => {
      // The code signs in as whoever asked for it: the owner gets the pairing token, a user a session of their own.
      const caller = callerOf(res);
      const { code, expiresAt } = await codes.issue(caller.personal ? null : caller.name);
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
        const redeemed = await codes.redeem(code);
        const token =
          redeemed === undefined
            ? undefined
            : redeemed.user === null
              ? currentToken()
              : await accounts?.dashboardSession(redeemed.user);
        if (token === undefined) {
          throw new HttpError(
            401,
            'invalid_code',
            'This sign-in link has expired or was used already (or its user was revoked); open a new one.',
          );
        }
        const body: SignInResponse = { token };
        return body;
      },
      { guard: dashboardOriginOnly },
    ),
  ];
}
