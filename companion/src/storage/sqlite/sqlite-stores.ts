import type { Stores } from '../stores.ts';
import { SqliteAuditStore } from './sqlite-audit-store.ts';
import { SqliteDashboard } from './sqlite-dashboard.ts';
import { SqliteFeedbackStore } from './sqlite-feedback-store.ts';
import { SqliteItemStore } from './sqlite-item-store.ts';
import { SqliteQueueStore } from './sqlite-queue-store.ts';
import { SqliteRateLimits } from './sqlite-rate-limits.ts';
import { SqliteReviewStore } from './sqlite-review-store.ts';
import { SqliteSignInCodes } from './sqlite-sign-in-codes.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { SqliteUserStore } from './sqlite-user-store.ts';

/** Every store on the SQLite file at `path` (created and migrated when needed), on one connection. */
export function openSqliteStores(path: string): Stores {
  const sync = openSqliteStore(path);
  const dashboard = new SqliteDashboard(sync);
  const rateLimits = new SqliteRateLimits(path);
  return {
    kind: 'sqlite',
    location: path,
    sync,
    dashboard,
    reviews: new SqliteReviewStore(sync),
    feedback: new SqliteFeedbackStore(sync),
    items: new SqliteItemStore(sync),
    queues: new SqliteQueueStore(sync.database),
    signInCodes: new SqliteSignInCodes(sync.database),
    rateLimits,
    users: new SqliteUserStore(sync.database),
    audit: new SqliteAuditStore(sync.database),
    async integrityCheck() {
      return String(sync.database.pragma('integrity_check', { simple: true }));
    },
    async close() {
      dashboard.stopIndexing();
      rateLimits.close();
      sync.close();
    },
  };
}
