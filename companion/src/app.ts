import express, { type Express } from 'express';
import type { ProtocolRange } from '../../shared/index.ts';
import type { FeedbackService } from './feedback/feedback-service.ts';
import { requireToken } from './middleware/auth.ts';
import { errorHandler, notFound } from './middleware/error-handler.ts';
import { hostCheck } from './middleware/host-check.ts';
import { jsonBody } from './middleware/json-body.ts';
import { corsPreflight, originCheck } from './middleware/origin-check.ts';
import { protocolCheck } from './middleware/protocol-check.ts';
import { type RateLimitOptions, rateLimit } from './middleware/rate-limit.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import type { ReviewService } from './reviews/review-service.ts';
import { agreementRoutes } from './routes/agreement.ts';
import { type DashboardDeps, dashboardFileRoutes, dashboardRoutes } from './routes/dashboard.ts';
import { mountRoutes } from './routes/define-route.ts';
import { exportRoutes } from './routes/export.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { healthRoutes } from './routes/health.ts';
import { type HistoryDeps, historyRoutes } from './routes/history.ts';
import { reviewsRoutes } from './routes/reviews.ts';
import { statsRoutes } from './routes/stats.ts';
import { syncRoutes } from './routes/sync.ts';
import type { RateLimitStore } from './storage/rate-limit-store.ts';
import type { SyncStore } from './storage/store.ts';
import type { Logger } from './support/logger.ts';
import { silentLogger } from './support/logger.ts';

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
  /** Importing chat history and rating it (/api/v1/history); left out, those routes are 404s. */
  history?: HistoryDeps;
  /** The dashboard: its files (served without the token: they hold no data) and its API routes. */
  dashboard?: DashboardDeps;
  /** Constant-time check of a presented pairing token. */
  verifyToken(candidate: string): boolean;
  clock?: () => Date;
  logger?: Logger;
  /** `host:port` names accepted besides the loopback names; only for an explicitly exposed companion. */
  extraAllowedHosts?: readonly string[];
  bodyLimitBytes?: number;
  rateLimit?: RateLimitOptions;
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
 * this order on every request: Host, Origin (and CORS preflight), protocol, token, rate limit, body type and
 * size, schema; then the route, a 404, or the one error handler. Every route is a contract of
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

  app.use(securityHeaders);
  app.use(hostCheck(deps.extraAllowedHosts));
  app.use(originCheck());
  app.use(corsPreflight());
  app.use(protocolCheck(deps.version, deps.protocol));
  if (deps.dashboard) app.use(mountRoutes(dashboardFileRoutes(deps.dashboard.distDir), mount));
  app.use(requireToken(deps.verifyToken));
  app.use(rateLimit(deps.rateLimit ?? DEFAULT_RATE_LIMIT, deps.rateLimits));
  app.use(jsonBody(deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES));

  app.use(
    mountRoutes(
      [
        ...healthRoutes(deps.version, deps.protocol),
        ...syncRoutes({ store: deps.store, clock }),
        ...statsRoutes(deps.store),
        ...exportRoutes(deps.store),
        ...agreementRoutes(deps.store),
        ...(deps.reviews ? reviewsRoutes(deps.reviews) : []),
        ...(deps.feedback ? feedbackRoutes(deps.feedback) : []),
        ...(deps.history ? historyRoutes(deps.history, { store: deps.store, clock }) : []),
        ...(deps.dashboard
          ? dashboardRoutes(deps.dashboard, { syncStore: deps.store, version: deps.version, clock })
          : []),
      ],
      mount,
    ),
  );

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
