import type { Stores } from '../stores.ts';
import { SqliteDashboard } from './sqlite-dashboard.ts';
import { SqliteFeedbackStore } from './sqlite-feedback-store.ts';
import { SqliteRateLimits } from './sqlite-rate-limits.ts';
import { SqliteReviewStore } from './sqlite-review-store.ts';
import { SqliteSignInCodes } from './sqlite-sign-in-codes.ts';
import { openSqliteStore } from './sqlite-store.ts';

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
    signInCodes: new SqliteSignInCodes(sync.database),
    rateLimits,
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
