import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { API } from '../../../shared/index.ts';
import { packagePath } from '../support/package-root.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** Where `npm run build:dashboard` writes the dashboard (git-ignored). */
export const DASHBOARD_DIST_DIR = packagePath('companion', 'dashboard-dist');

/**
 * The dashboard's own policy: its scripts, styles and API calls come from this origin only, so even a
 * rendering mistake could not load or send anything elsewhere, and inline scripts never run.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built dashboard without the token: the files hold no data (every data route still needs
 * the token). Only GET and HEAD outside /api/; anything not found falls through to the token check,
 * so unknown paths still tell a caller without the token nothing.
 */
export function dashboardFileRoutes(distDir: string = DASHBOARD_DIST_DIR): RouteDefinition[] {
  const serve = express.static(distDir, {
    index: 'index.html',
    dotfiles: 'ignore',
    etag: false,
    lastModified: false,
    cacheControl: false,
    redirect: false,
    fallthrough: true,
    setHeaders(res) {
      res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    },
  });
  const built = () => existsSync(join(distDir, 'index.html'));
  return [
    defineRoute(API.dashboard.files, async ({ req, res, next }) => {
      if (req.path.startsWith('/api/')) return next();
      if (req.path === '/' && !built()) {
        res
          .status(503)
          .type('text/plain')
          .send('The dashboard is not built. Run "npm run build:dashboard" (or "npm run build"), then reload.\n');
        return;
      }
      serve(req, res, next);
    }),
  ];
}
