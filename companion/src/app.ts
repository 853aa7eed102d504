import express, { type Express } from 'express';
import type { ProtocolRange } from '../../shared/index.ts';
import type { Accounts } from './accounts/accounts.ts';
import type { FeedbackService } from './feedback/feedback-service.ts';
import { requireToken } from './middleware/auth.ts';
import { errorHandler, notFound } from './middleware/error-handler.ts';
import { hostCheck } from './middleware/host-check.ts';
import { jsonBody } from './middleware/json-body.ts';
import { corsPreflight, originCheck } from './middleware/origin-check.ts';
import { protocolCheck } from './middleware/protocol-check.ts';
import { type RateLimitOptions, rateLimit } from './middleware/rate-limit.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { signInThrottle } from './middleware/sign-in-throttle.ts';
import { DEFAULT_WRITE_FAIRNESS, writeFairness } from './middleware/write-fairness.ts';
import type { QueueService } from './queues/queue-service.ts';
import type { ReviewService } from './reviews/review-service.ts';
import { agreementRoutes } from './routes/agreement.ts';
import { conversationRatingsRoutes } from './routes/conversation-ratings.ts';
import { type DashboardDeps, dashboardFileRoutes, dashboardRoutes } from './routes/dashboard.ts';
import { mountRoutes } from './routes/define-route.ts';
import { exportRoutes } from './routes/export.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { healthRoutes } from './routes/health.ts';
import { type HistoryDeps, historyRoutes } from './routes/history.ts';
import { queuesRoutes } from './routes/queues.ts';
import { reviewsRoutes } from './routes/reviews.ts';
import { sessionRoutes } from './routes/session.ts';
import { statsRoutes } from './routes/stats.ts';
import { syncRoutes } from './routes/sync.ts';
import { usersRoutes } from './routes/users.ts';
import type { RateLimit, RateLimitStore } from './storage/rate-limit-store.ts';
import type { SyncStore } from './storage/store.ts';
import type { FairQueueOptions } from './support/fair-queue.ts';
import type { Logger } from './support/logger.ts';
import { silentLogger } from './support/logger.ts';
import { PUSH_TRANSACTION_RECORDS } from './sync/apply-in-turns.ts';

/**
 * The largest body accepted. One annotation may legitimately hold megabytes (a 1 MB response, 4 MB of
 * context), so this is sized for the largest valid record; clients keep ordinary batches far smaller.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 32 * 1024 * 1024;
/** Generous for the extension and the dashboard, tight enough to stop a runaway loop. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 600, perSecond: 200 };

export interface AppDeps {
  /** Version reported by the health route. */
  version: string;
  /** The extension protocols served (shared/protocol.ts); PROTOCOL unless a test sets another range. */
  protocol?: ProtocolRange;
  store: SyncStore;
  /** The review queue (routes under /api/v1/reviews); left out, those routes are 404s. */
  reviews?: ReviewService;
  /** Logged calls and feedback (/api/v1/logs, /api/v1/feedback); left out, those routes are 404s. */
  feedback?: FeedbackService;
  /** Campaign queues (/api/v1/queues); left out, those routes are 404s. */
  queues?: QueueService;
  /** Importing chat history and rating it (/api/v1/history); left out, those routes are 404s. */
  history?: HistoryDeps;
  /** The dashboard: its files (served without the token: they hold no data) and its API routes. */
  dashboard?: DashboardDeps;
  /** Constant-time check of a presented pairing token (the personal owner's, an admin). */
  verifyToken(candidate: string): boolean;
  /**
   * A team's users, their tokens and the audit log (/api/v1/users, /api/v1/audit); left out, the
   * pairing token is the only token and those routes are 404s.
   */
  accounts?: Accounts;
  clock?: () => Date;
  logger?: Logger;
  /** `host:port` names accepted besides the loopback names; only for an explicitly exposed companion. */
  extraAllowedHosts?: readonly string[];
  /**
   * A team server's public origin (`--public-url`, e.g. https://margin.example.org): its dashboard page
   * may call the API (the Host check accepts its host through `extraAllowedHosts`).
   */
  publicOrigin?: string;
  /** A TLS proxy on this machine sits in front (`--behind-proxy`): believe its X-Forwarded-Proto/For. */
  behindProxy?: boolean;
  /**
   * Failed sign-ins (401s) allowed per client address; left out, not limited (a personal companion's
   * callers are all 127.0.0.1: one stale token would lock out the others). A team server sets it.
   */
  signInLimit?: RateLimit;
  bodyLimitBytes?: number;
  rateLimit?: RateLimitOptions;
  /**
   * Turns for bulk writes (pushes, queue items, upload chunks) shared fairly between tokens
   * (middleware/write-fairness.ts); left out, SQLite's (one at a time).
   */
  writeFairness?: FairQueueOptions;
  /** Records a push writes per transaction (sync/apply-in-turns.ts); left out, SQLite's. */
  pushTransactionRecords?: number;
  /** Where the rate limit's buckets live (the database: shared by every companion process on it). */
  rateLimits: RateLimitStore;
  /**
   * Check every JSON answer against its route's response schema (a mismatch is a logged 500). On by
   * default under tests (`NODE_ENV=test`) and in development; off otherwise, where it would only cost.
   */
  checkResponses?: boolean;
}

/**
 * Builds the companion's HTTP app without listening, so tests run it on port 0. The boundary runs in
 * this order on every request: Host, Origin (and CORS preflight), protocol, token, rate limit, bulk-write turn
 * (taken before the body, waited for after it), body type and size, schema; then the route, a 404, or the one error handler. Every route is a contract of
 * shared/api, mounted by routes/define-route.ts.
 */
export function createApp(deps: AppDeps): Express {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? (() => new Date());
  const mount = {
    checkResponses: deps.checkResponses ?? ['test', 'development'].includes(process.env.NODE_ENV ?? ''),
  };
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  // Only a proxy on this machine may say what the client's scheme and address were; anyone else's
  // X-Forwarded-* headers are ignored (req.protocol and req.ip then come from the socket).
  app.set('trust proxy', deps.behindProxy ? 'loopback' : false);
  app.locals.publicOrigin = deps.publicOrigin;
  const throttle = deps.signInLimit ? signInThrottle(deps.signInLimit, deps.rateLimits) : undefined;
  const fairness = writeFairness(deps.writeFairness ?? DEFAULT_WRITE_FAIRNESS.sqlite);

  app.use(securityHeaders);
  app.use(hostCheck(deps.extraAllowedHosts));
  app.use(originCheck());
  app.use(corsPreflight());
  app.use(protocolCheck(deps.version, deps.protocol));
  if (deps.dashboard) app.use(mountRoutes(dashboardFileRoutes(deps.dashboard.distDir), mount));
  if (throttle) app.use(throttle.gate);
  app.use(requireToken({ verifyToken: deps.verifyToken, accounts: deps.accounts }));
  app.use(rateLimit(deps.rateLimit ?? DEFAULT_RATE_LIMIT, deps.rateLimits));
  app.use(fairness.admit);
  app.use(jsonBody(deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES));
  app.use(fairness.turn);

  app.use(
    mountRoutes(
      [
        ...healthRoutes(deps.version, deps.protocol),
        ...sessionRoutes(deps.accounts, deps.version, deps.protocol),
        ...(deps.accounts ? usersRoutes(deps.accounts) : []),
        ...syncRoutes({
          store: deps.store,
          clock,
          accounts: deps.accounts,
          recordsPerTransaction: deps.pushTransactionRecords ?? PUSH_TRANSACTION_RECORDS.sqlite,
        }),
        ...statsRoutes(deps.store),
        ...exportRoutes(deps.store, deps.accounts, deps.queues),
        ...(deps.reviews ? reviewsRoutes(deps.reviews, deps.accounts) : []),
        ...agreementRoutes(deps.store, deps.queues, deps.accounts),
        ...(deps.queues ? queuesRoutes(deps.queues, deps.accounts) : []),
        ...conversationRatingsRoutes({
          store: deps.store,
          clock,
          items: deps.history?.items,
          accounts: deps.accounts,
        }),
        ...(deps.feedback ? feedbackRoutes(deps.feedback) : []),
        ...(deps.history ? historyRoutes(deps.history, { store: deps.store, clock }) : []),
        ...(deps.dashboard
          ? dashboardRoutes(deps.dashboard, {
              syncStore: deps.store,
              version: deps.version,
              clock,
              accounts: deps.accounts,
              queues: deps.queues,
            })
          : []),
      ],
      mount,
    ),
  );

  app.use(notFound);
  if (throttle) app.use(throttle.count);
  app.use(errorHandler(logger));
  return app;
}
