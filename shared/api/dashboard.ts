import {
  restoreChunkSchema,
  restoreResponseSchema,
  settingsResponseSchema,
  signInCodeResponseSchema,
  signInRequestSchema,
  tokenResponseSchema,
} from '../dashboard.ts';
import {
  ADMIN_ONLY,
  ANY_ROLE,
  fileResponse,
  ignoredBodySchema,
  jsonResponse,
  PUBLIC_ACCESS,
  routeContract,
} from './contract.ts';

/** The dashboard itself: its files, its sign-in, its settings page (docs/dashboard.md). */
export const DASHBOARD_API = {
  /**
   * The built dashboard (index.html and its assets) answers any GET outside /api/ that names one of
   * its files, without the token: they hold no data. Anything else falls through to the token check.
   */
  files: routeContract({
    id: 'dashboard.files',
    method: 'GET',
    path: '/{*file}',
    access: PUBLIC_ACCESS,
    summary: 'The dashboard’s own page, scripts and styles.',
    response: fileResponse('text/html, text/javascript, text/css, …', 'a file of the built dashboard'),
  }),
  signInCodes: routeContract({
    id: 'dashboard.signInCodes',
    method: 'POST',
    path: '/api/v1/sign-in/codes',
    access: ANY_ROLE,
    summary: 'A one-time link to the dashboard with a code in its fragment (the popup and `margin dashboard`).',
    body: ignoredBodySchema,
    response: jsonResponse(signInCodeResponseSchema),
  }),
  /** Public, for the dashboard has no token yet; the route itself takes only the dashboard's own origin. */
  signIn: routeContract({
    id: 'dashboard.signIn',
    method: 'POST',
    path: '/api/v1/sign-in',
    access: PUBLIC_ACCESS,
    summary: 'Trades a valid one-time code for the token, once.',
    body: signInRequestSchema,
    names: { body: 'sign-in request' },
    response: jsonResponse(tokenResponseSchema),
  }),
  settings: routeContract({
    id: 'dashboard.settings',
    method: 'GET',
    path: '/api/v1/settings',
    access: ANY_ROLE,
    summary: 'What the settings page shows: version, data directory, database file.',
    response: jsonResponse(settingsResponseSchema),
  }),
  rotateToken: routeContract({
    id: 'dashboard.rotateToken',
    method: 'POST',
    path: '/api/v1/token/rotate',
    access: ADMIN_ONLY,
    summary: 'Writes a new token and answers it; the old one stops working at once.',
    body: ignoredBodySchema,
    response: jsonResponse(tokenResponseSchema),
  }),
  backup: routeContract({
    id: 'dashboard.backup',
    method: 'GET',
    path: '/api/v1/backup',
    access: ADMIN_ONLY,
    summary: 'Every stored annotation, tombstones included, as the JSONL `margin import` reads.',
    response: fileResponse('application/jsonl; charset=utf-8', 'one stored annotation per line'),
  }),
  restore: routeContract({
    id: 'dashboard.restore',
    method: 'POST',
    path: '/api/v1/backup/restore',
    access: ADMIN_ONLY,
    summary:
      'Stages a chunk of a backup’s lines; the last chunk applies the whole restore, all or nothing (idempotent).',
    body: restoreChunkSchema,
    names: { body: 'restore chunk' },
    response: jsonResponse(restoreResponseSchema),
  }),
} as const;
