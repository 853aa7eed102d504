import { Router } from 'express';
import {
  DASHBOARD_ROUTES,
  type SignInCodeResponse,
  type SignInResponse,
  signInRequestSchema,
} from '../../../shared/index.ts';
import { HttpError, parseOrThrow } from '../support/http-error.ts';
import type { SignInCodes } from '../support/sign-in-codes.ts';

/**
 * One-time sign-in for the dashboard. `POST /api/v1/sign-in/codes` needs the token (the extension's
 * popup or `margin dashboard` call it) and answers a link with a code in its fragment;
 * `POST /api/v1/sign-in` is public (see middleware/auth.ts) but only the dashboard's own page may call
 * it, and it trades a valid code for the token once.
 */
export function signInRouter(codes: SignInCodes, currentToken: () => string): Router {
  const router = Router();

  router.post(DASHBOARD_ROUTES.signInCodes, (req, res) => {
    const { code, expiresAt } = codes.issue();
    // The Host check has already pinned this to a loopback name and the port of this companion.
    const body: SignInCodeResponse = {
      code,
      expiresAt: expiresAt.toISOString(),
      url: `http://${req.headers.host}/#sign-in=${code}`,
    };
    res.json(body);
  });

  router.post(DASHBOARD_ROUTES.signIn, (req, res) => {
    // The Origin check let through no Origin and extension origins too: this route wants the dashboard.
    if (req.headers.origin !== `http://${req.headers.host}`) {
      throw new HttpError(403, 'forbidden_origin', 'Only the dashboard page can sign in with a code.');
    }
    const { code } = parseOrThrow(signInRequestSchema, req.body, 'sign-in request');
    if (!codes.redeem(code)) {
      throw new HttpError(401, 'invalid_code', 'This sign-in link has expired or was used already; open a new one.');
    }
    const body: SignInResponse = { token: currentToken() };
    res.json(body);
  });

  return router;
}
