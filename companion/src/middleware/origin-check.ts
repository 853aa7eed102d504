import type { RequestHandler } from 'express';
import { PROTOCOL_HEADER } from '../../../shared/index.ts';
import { HttpError } from '../support/http-error.ts';
import { isOwnOrigin } from '../support/own-origin.ts';

/** A Chrome extension id: 32 letters a-p. */
const CHROME_EXTENSION_ORIGIN = /^chrome-extension:\/\/[a-p]{32}$/;
/** Firefox gives each installation a random UUID. */
const FIREFOX_EXTENSION_ORIGIN = /^moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isExtensionOrigin(origin: string): boolean {
  return CHROME_EXTENSION_ORIGIN.test(origin) || FIREFOX_EXTENSION_ORIGIN.test(origin);
}

/**
 * Second check. A request may come without Origin (the Chrome service worker's GETs, curl, the CLI),
 * from an extension, or from the companion's own dashboard (the Host check already pinned the
 * loopback name and port, or a team server's public host, so the same origin is this companion and
 * nothing else; support/own-origin.ts). Any other page:
 * 403, token or not. The token, not the Origin, is the real gate: extensions can forge Origin.
 */
export function originCheck(): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    if (isExtensionOrigin(origin) || isOwnOrigin(req, origin)) {
      if (isExtensionOrigin(origin)) {
        res.set('Access-Control-Allow-Origin', origin);
      }
      res.vary('Origin');
      return next();
    }
    res.vary('Origin');
    next(new HttpError(403, 'forbidden_origin', 'Requests from this origin are not allowed.'));
  };
}

/**
 * Answers CORS preflights from extension origins (they carry no token, by design). Only what the
 * API uses is allowed, never credentials or `*`.
 */
export function corsPreflight(): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (
      req.method !== 'OPTIONS' ||
      origin === undefined ||
      req.headers['access-control-request-method'] === undefined
    ) {
      return next();
    }
    if (isExtensionOrigin(origin)) {
      res.set({
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
        'Access-Control-Allow-Headers': `Authorization, Content-Type, ${PROTOCOL_HEADER}`,
        'Access-Control-Max-Age': '600',
      });
    }
    res.status(204).end();
  };
}
