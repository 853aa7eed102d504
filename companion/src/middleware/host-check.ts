import type { RequestHandler } from 'express';
import { HttpError } from '../support/http-error.ts';

/** Names that always mean this machine and that no DNS answer can rebind. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * The hosts a request may name for a companion listening on `port`. A browser fills `Host` from the
 * URL, so after a DNS rebinding attack it carries the attacker's name: only loopback names pass.
 * `extraHosts` (host:port) are only for a companion deliberately bound elsewhere.
 */
export function allowedHosts(port: number, extraHosts: readonly string[] = []): Set<string> {
  const hosts = new Set(extraHosts);
  for (const name of LOOPBACK_NAMES) {
    hosts.add(`${name}:${port}`);
    if (port === 80) hosts.add(name); // browsers leave out the default port
  }
  return hosts;
}

/**
 * First check on every request, before anything reads the body or the token. The port is the one the
 * connection actually arrived on, so it is right even when the companion listens on port 0.
 */
export function hostCheck(extraHosts: readonly string[] = []): RequestHandler {
  const cache = new Map<number, Set<string>>();
  return (req, res, next) => {
    const port = req.socket.localPort ?? 0;
    let hosts = cache.get(port);
    if (hosts === undefined) {
      hosts = allowedHosts(port, extraHosts);
      cache.set(port, hosts);
    }
    const host = req.headers.host;
    if (host === undefined || !hosts.has(host)) {
      res.set('Connection', 'close');
      next(
        new HttpError(
          403,
          'forbidden_host',
          "The Host header must name this companion: a loopback address, or a team server's public host.",
        ),
      );
      return;
    }
    next();
  };
}
