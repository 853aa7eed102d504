import { type RateDecision, type RateLimit, type RateLimitStore, rateDecision } from '../rate-limit-store.ts';
import type { Sql } from './connect.ts';

const REFILL = 'least($2::float8, b.tokens + greatest(0, $4::float8 - b.at_ms) / 1000.0 * $3::float8)';

/**
 * Rate-limit buckets on PostgreSQL: one upsert per request, which locks the bucket's row, so
 * companion processes on the same database take turns and never both spend the last token.
 */
export class PostgresRateLimits implements RateLimitStore {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async peek(key: string, limit: RateLimit, nowMs: number): Promise<number> {
    const [row] = await this.#sql.unsafe<{ tokens: number }[]>(
      `SELECT ${REFILL} AS tokens FROM rate_limit_buckets AS b WHERE key = $1`,
      [key, limit.burst, limit.perSecond, nowMs],
      { prepare: true },
    );
    return Math.floor(row?.tokens ?? limit.burst);
  }

  async take(key: string, limit: RateLimit, nowMs: number): Promise<RateDecision> {
    const [row] = await this.#sql.unsafe<{ tokens: number; allowed: boolean }[]>(
      `INSERT INTO rate_limit_buckets AS b (key, tokens, at_ms, allowed) VALUES ($1, $2::float8 - 1, $4::float8, true)
       ON CONFLICT (key) DO UPDATE SET
         tokens = CASE WHEN ${REFILL} >= 1 THEN ${REFILL} - 1 ELSE ${REFILL} END,
         allowed = ${REFILL} >= 1,
         at_ms = greatest(b.at_ms, $4::float8)
       RETURNING tokens, allowed`,
      [key, limit.burst, limit.perSecond, nowMs],
      { prepare: true },
    );
    return rateDecision(row?.tokens ?? 0, row?.allowed ?? false, limit);
  }
}
