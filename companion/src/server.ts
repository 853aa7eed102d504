import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Accounts } from './accounts/accounts.ts';
import { type AppDeps, createApp } from './app.ts';
import { FeedbackService } from './feedback/feedback-service.ts';
import { HistoryImports } from './import-history/uploads.ts';
import { DEFAULT_SIGN_IN_LIMIT } from './middleware/sign-in-throttle.ts';
import { DEFAULT_WRITE_FAIRNESS } from './middleware/write-fairness.ts';
import { QueueService } from './queues/queue-service.ts';
import { ReviewService } from './reviews/review-service.ts';
import { type DatabaseTarget, openDatabase } from './storage/open-database.ts';
import { databasePath, ensureDataDir } from './support/data-dir.ts';
import { checkListenPolicy, LOOPBACK_ADDRESSES, parsePublicUrl, readTlsFiles } from './support/listen-policy.ts';
import type { Logger } from './support/logger.ts';
import { SignInCodes } from './support/sign-in-codes.ts';
import { readOrCreateToken, rotateToken, TokenVerifier } from './support/token.ts';
import { version } from './support/version.ts';
import { PUSH_TRANSACTION_RECORDS } from './sync/apply-in-turns.ts';

export interface ServeOptions {
  host: string;
  port: number;
  /** Where the token lives, and the SQLite database unless `database` names another. */
  dataDir: string;
  /** The database (`--database`): a SQLite file or a PostgreSQL server; the data directory's SQLite file if left out. */
  database?: DatabaseTarget;
  logger: Logger;
  /** `--expose`: a personal companion may listen anywhere but loopback (still over TLS, see below). */
  allowNonLoopback?: boolean;
  /**
   * `--team --public-url`: a team server reached at this URL (https://margin.example.org). Its host passes
   * the Host check, its origin the Origin check, failed sign-ins are limited per address, and it may
   * listen on a non-loopback address.
   */
  team?: { publicUrl: string };
  /** `--tls-cert/--tls-key`: serve HTTPS with this certificate (PEM files). */
  tls?: { certFile: string; keyFile: string };
  /** `--behind-proxy`: a TLS proxy in front; X-Forwarded-Proto/For are believed from loopback only. */
  behindProxy?: boolean;
  /** How long in-flight requests may run after a shutdown signal before their sockets are closed. */
  shutdownGraceMs?: number;
  /** Passed to the app (body limit, rate limit…), mostly for tests. */
  app?: Partial<Pick<AppDeps, 'bodyLimitBytes' | 'rateLimit' | 'signInLimit' | 'writeFairness'>>;
  timeouts?: Partial<{ headersMs: number; requestMs: number; keepAliveMs: number; checkIntervalMs: number }>;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /** Where the data lives, for people (a file path, or a PostgreSQL URL without its password). */
  database: string;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes the database. */
  close(): Promise<void>;
}

export function formatUrl(host: string, port: number, scheme: 'http' | 'https' = 'http'): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Opens the store, then listens on `host:port` and resolves once the socket is bound. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const loopback = LOOPBACK_ADDRESSES.has(options.host);
  const publicUrl = options.team ? parsePublicUrl(options.team.publicUrl) : undefined;
  checkListenPolicy({
    host: options.host,
    expose: options.allowNonLoopback ?? false,
    ...(publicUrl ? { publicUrl: publicUrl.href } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    behindProxy: options.behindProxy ?? false,
  });
  const tls = options.tls ? readTlsFiles(options.tls) : undefined;
  ensureDataDir(options.dataDir);
  const verifier = new TokenVerifier(options.dataDir);
  const target = options.database ?? { kind: 'sqlite', path: databasePath(options.dataDir) };
  const stores = await openDatabase(target);
  const accounts = new Accounts({ users: stores.users, audit: stores.audit });
  const reviews = new ReviewService({ store: stores.reviews, logger: options.logger });
  const feedback = new FeedbackService({ store: stores.feedback });
  const queues = new QueueService({ queues: stores.queues, annotations: stores.sync, items: stores.items });
  const dashboard = stores.dashboard;
  const imports = new HistoryImports({
    store: stores.sync,
    items: stores.items,
    dataDir: options.dataDir,
    logger: options.logger,
  });
  // Imports whose process died while this companion was down read as interrupted (run-lease.ts).
  await imports.interruptAbandoned();
  let closing = false;
  const app = createApp({
    version,
    store: stores.sync,
    reviews,
    feedback,
    queues,
    history: { items: stores.items, imports },
    dashboard: {
      store: dashboard,
      signInCodes: new SignInCodes(stores.signInCodes),
      currentToken: () => readOrCreateToken(options.dataDir),
      rotateToken: () => rotateToken(options.dataDir),
      dataDir: options.dataDir,
      databaseFile: stores.location,
    },
    verifyToken: (candidate) => verifier.verify(candidate),
    accounts,
    rateLimits: stores.rateLimits,
    logger: options.logger,
    extraAllowedHosts: [
      ...(loopback ? [] : [`${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`]),
      ...(publicUrl ? [publicUrl.host] : []),
    ],
    ...(publicUrl ? { publicOrigin: publicUrl.origin, signInLimit: DEFAULT_SIGN_IN_LIMIT } : {}),
    behindProxy: options.behindProxy ?? false,
    writeFairness: DEFAULT_WRITE_FAIRNESS[target.kind],
    pushTransactionRecords: PUSH_TRANSACTION_RECORDS[target.kind],
    ...options.app,
  });
  const timeouts = {
    headersMs: 10_000,
    requestMs: 60_000,
    keepAliveMs: 5_000,
    checkIntervalMs: 1_000,
    ...options.timeouts,
  };
  const serverOptions = {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // How often Node checks the two timeouts above; its default (30 s) would let them overrun.
    connectionsCheckingInterval: timeouts.checkIntervalMs,
    // Node would answer a missing Host with a bare 400; the Host check answers it like any bad Host.
    requireHostHeader: false,
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // While shutting down, finish this request but do not keep its connection for another.
    if (closing) res.setHeader('Connection', 'close');
    res.once('finish', () => {
      // A request that began before the shutdown leaves a keep-alive socket behind: close it once idle.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    app(req, res);
  };
  // An HTTPS server is an HTTP server over TLS sockets: everything below treats both alike.
  const server: Server = tls
    ? (createTlsServer({ ...serverOptions, ...tls }, handle) as unknown as Server)
    : createServer(serverOptions, handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    reviews.close();
    await stores.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  // After listening: the first requests need not wait for a large backlog to be indexed.
  dashboard.startIndexing();
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      closing = true;
      // Long polls would hold the shutdown for up to a minute: answer them now with the review as it is.
      reviews.close();
      dashboard.stopIndexing();
      const deadline = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 5_000);
      deadline.unref();
      server.close(() => {
        clearTimeout(deadline);
        // Imports in progress stop after their batch (a rerun completes them); only then the database goes.
        void imports.close().finally(() => {
          // Only now: a request still running would otherwise find its database gone.
          stores.close().then(resolve, resolve);
        });
      });
      server.closeIdleConnections();
    });
    return closed;
  };
  return { server, url: formatUrl(options.host, port, tls ? 'https' : 'http'), port, database: stores.location, close };
}
