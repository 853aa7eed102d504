import type { Stores } from '../stores.ts';
import { SqliteDashboard } from './sqlite-dashboard.ts';
import { SqliteFeedbackStore } from './sqlite-feedback-store.ts';
import { SqliteReviewStore } from './sqlite-review-store.ts';
import { openSqliteStore } from './sqlite-store.ts';

/** Every store on the SQLite file at `path` (created and migrated when needed), on one connection. */
export function openSqliteStores(path: string): Stores {
  const sync = openSqliteStore(path);
  const dashboard = new SqliteDashboard(sync);
  return {
    kind: 'sqlite',
    location: path,
    sync,
    dashboard,
    reviews: new SqliteReviewStore(sync),
    feedback: new SqliteFeedbackStore(sync),
    async integrityCheck() {
      return String(sync.database.pragma('integrity_check', { simple: true }));
    },
    async close() {
      dashboard.stopIndexing();
      sync.close();
    },
  };
}
