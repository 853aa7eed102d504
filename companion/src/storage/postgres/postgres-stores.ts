import type { Stores } from '../stores.ts';
import { connectPostgres, describePostgresUrl } from './connect.ts';
import { migratePostgres } from './migrations.ts';
import { PostgresAuditStore } from './postgres-audit-store.ts';
import { PostgresDashboard } from './postgres-dashboard.ts';
import { PostgresFeedbackStore } from './postgres-feedback-store.ts';
import { PostgresItemStore } from './postgres-item-store.ts';
import { PostgresQueueStore } from './postgres-queue-store.ts';
import { PostgresRateLimits } from './postgres-rate-limits.ts';
import { PostgresReviewStore } from './postgres-review-store.ts';
import { PostgresSignInCodes } from './postgres-sign-in-codes.ts';
import { PostgresStore } from './postgres-store.ts';
import { PostgresUserStore } from './postgres-user-store.ts';

/** What to tell a person whose database cannot be reached or used, from the error the driver gave. */
function explain(error: unknown, url: string): Error {
  const where = describePostgresUrl(url);
  const { code, message } = error as { code?: string; message?: string };
  const hint =
    code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'CONNECT_TIMEOUT'
      ? ' (is PostgreSQL running there? check --database or MARGIN_DATABASE_URL)'
      : code === '3D000'
        ? ' (create it first, for example: createdb margin)'
        : code === '28P01' || code === '28000'
          ? ' (check the user and password in the URL)'
          : '';
  return new Error(`cannot use the PostgreSQL database ${where}: ${message ?? String(error)}${hint}`);
}

/** Every store on the PostgreSQL database at `url`, migrated when needed, on one pool of connections. */
export async function openPostgresStores(url: string): Promise<Stores> {
  const sql = connectPostgres(url);
  let reviews: PostgresReviewStore | undefined;
  try {
    await migratePostgres(sql);
    const sync = new PostgresStore(sql);
    reviews = new PostgresReviewStore(sync);
    await reviews.listen();
    const dashboard = new PostgresDashboard(sync);
    const feedback = new PostgresFeedbackStore(sync);
    const listening = reviews;
    return {
      kind: 'postgres',
      location: describePostgresUrl(url),
      sync,
      dashboard,
      reviews: listening,
      feedback,
      items: new PostgresItemStore(sync),
      queues: new PostgresQueueStore(sql),
      signInCodes: new PostgresSignInCodes(sql),
      rateLimits: new PostgresRateLimits(sql),
      users: new PostgresUserStore(sql),
      audit: new PostgresAuditStore(sql),
      async integrityCheck() {
        // PostgreSQL checks its own pages; what can drift is ours: every stored seq at or below the counter.
        const [row] = await sql<{ ok: boolean }[]>`
          SELECT coalesce(max(seq), 0) <= (SELECT last_seq FROM sync_sequence) AS ok
          FROM (SELECT seq FROM annotations UNION ALL SELECT seq FROM comparisons) s`;
        return row?.ok ? 'ok' : 'a stored sequence number is above the sequence counter';
      },
      async close() {
        await dashboard.stopped();
        await listening.unlisten();
        await sql.end({ timeout: 5 });
      },
    };
  } catch (error) {
    await reviews?.unlisten();
    await sql.end({ timeout: 1 }).catch(() => {});
    throw explain(error, url);
  }
}
