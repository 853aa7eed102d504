import Database from 'better-sqlite3';
import { type RateDecision, type RateLimit, type RateLimitStore, rateDecision } from '../rate-limit-store.ts';

/** The bucket refilled for the time since its last request (never beyond the burst). */
const REFILL = 'min(@burst, tokens + max(0, @now - at_ms) / 1000.0 * @perSecond)';

/**
 * Rate-limit buckets in the SQLite file, on a connection of their own with synchronous=NORMAL: a
 * bucket is written on every request, and losing its last few updates to a power cut costs nothing,
 * so these commits skip the fsync that annotations get (WAL keeps the file consistent either way).
 */
export class SqliteRateLimits implements RateLimitStore {
  readonly #db: Database.Database;
  readonly #take;
  readonly #peek;

  constructor(path: string) {
    this.#db = new Database(path, { fileMustExist: true });
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('busy_timeout = 5000');
    this.#take = this.#db.prepare<
      { key: string; burst: number; perSecond: number; now: number },
      { tokens: number; allowed: number }
    >(
      `INSERT INTO rate_limit_buckets (key, tokens, at_ms, allowed) VALUES (@key, @burst - 1, @now, 1)
       ON CONFLICT (key) DO UPDATE SET
         tokens = CASE WHEN ${REFILL} >= 1 THEN ${REFILL} - 1 ELSE ${REFILL} END,
         allowed = ${REFILL} >= 1,
         at_ms = max(at_ms, @now)
       RETURNING tokens, allowed`,
    );
    this.#peek = this.#db
      .prepare<{ key: string; burst: number; perSecond: number; now: number }, number>(
        `SELECT ${REFILL} FROM rate_limit_buckets WHERE key = @key`,
      )
      .pluck();
  }

  async peek(key: string, limit: RateLimit, nowMs: number): Promise<number> {
    const tokens = this.#peek.get({ key, burst: limit.burst, perSecond: limit.perSecond, now: nowMs });
    return Math.floor(tokens ?? limit.burst);
  }

  async take(key: string, limit: RateLimit, nowMs: number): Promise<RateDecision> {
    const row = this.#take.get({ key, burst: limit.burst, perSecond: limit.perSecond, now: nowMs });
    return rateDecision(row?.tokens ?? 0, row?.allowed === 1, limit);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
