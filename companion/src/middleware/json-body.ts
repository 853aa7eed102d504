import express, { type RequestHandler } from 'express';
import { HttpError } from '../support/http-error.ts';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Bodies are JSON or nothing. Form and text/plain bodies are what a cross-site page can send without a
 * preflight, so they are refused (415) before anything parses them.
 */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    // `req.is` is null without a body, false with a body of another type.
    if (METHODS_WITH_BODY.has(req.method) && req.is('application/json') === false) {
      next(new HttpError(415, 'unsupported_media_type', 'Send the body as application/json.'));
      return;
    }
    next();
  };
  return [requireJson, express.json({ limit: limitBytes, strict: true, type: 'application/json' })];
}
