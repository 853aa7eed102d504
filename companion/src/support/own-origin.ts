import type { Request } from 'express';

/**
 * The origin this companion's own pages (the dashboard) have for this request: the scheme it arrived
 * on (`https` on a TLS socket, or from X-Forwarded-Proto when a trusted proxy sent it: app.ts sets
 * Express's `trust proxy` to loopback only behind `--behind-proxy`) and the Host the Host check
 * already pinned to this companion's names.
 */
export function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.headers.host}`;
}

/** The public origin of a team server (`--public-url`), kept on the app by createApp. */
export function publicOrigin(req: Request): string | undefined {
  return req.app.locals.publicOrigin as string | undefined;
}

/** Whether `origin` is one of this companion's own pages: the origin of this request, or the public one. */
export function isOwnOrigin(req: Request, origin: string | undefined): boolean {
  return origin !== undefined && (origin === ownOrigin(req) || origin === publicOrigin(req));
}
