import { EventEmitter } from 'node:events';
import type { Review, ReviewStatus, ReviewSummary } from '../../../../shared/index.ts';
import {
  type NewReview,
  REVIEWS_DEVICE_ID,
  type Resolution,
  type ReviewEvent,
  type ReviewRow,
  type ReviewStore,
  reviewEventSchema,
  toReview,
} from '../review-store.ts';
import type { Sql } from './connect.ts';
import type { PostgresStore } from './postgres-store.ts';

/** The channel every companion process on the database listens on for created and resolved reviews. */
export const REVIEWS_CHANNEL = 'margin_reviews';

/** Pending reviews are a queue (oldest first); resolved ones are history (latest first). */
const ORDER: Record<ReviewStatus | 'all', string> = {
  pending: 'created_at, ix',
  approved: 'resolved_at DESC NULLS LAST, ix DESC',
  rejected: 'resolved_at DESC NULLS LAST, ix DESC',
  expired: 'resolved_at DESC NULLS LAST, ix DESC',
  cancelled: 'resolved_at DESC NULLS LAST, ix DESC',
  all: 'created_at DESC, ix DESC',
};

/** The summary's columns from the stored request, as sqlite-review-store.ts computes them with SQLite's json functions. */
const SUMMARY_COLUMNS = `id, key, j.r->>'title' AS title, status, created_at, expires_at, resolved_at, reviewer,
  j.r->>'requestedBy' AS requested_by,
  CASE WHEN jsonb_typeof(j.r->'messages') = 'array' THEN jsonb_array_length(j.r->'messages') ELSE 0 END AS message_count,
  CASE WHEN jsonb_typeof(j.r->'rows') = 'array' THEN jsonb_array_length(j.r->'rows') ELSE 0 END AS row_count,
  (SELECT count(*)::int FROM jsonb_object_keys(
    CASE WHEN jsonb_typeof(j.r->'form'->'properties') = 'object' THEN j.r->'form'->'properties' ELSE '{}'::jsonb END
  )) AS field_count,
  coalesce(jsonb_typeof(j.r->'output') = 'string', false) AS has_output`;

interface SummaryRow {
  id: string;
  key: string | null;
  title: string;
  status: ReviewStatus;
  created_at: string;
  expires_at: string | null;
  resolved_at: string | null;
  reviewer: string | null;
  requested_by: string | null;
  message_count: number;
  row_count: number;
  field_count: number;
  has_output: boolean;
}

/**
 * Reviews on PostgreSQL. A decision and its annotation commit in one transaction, and every creation
 * or resolution is announced with NOTIFY in that transaction, so a long poll waiting in another
 * companion process on the same database wakes up as soon as it commits.
 */
export class PostgresReviewStore implements ReviewStore {
  readonly #store: PostgresStore;
  readonly #sql: Sql;
  readonly #events = new EventEmitter();
  #unlisten: (() => Promise<void>) | undefined;

  constructor(store: PostgresStore) {
    this.#store = store;
    this.#sql = store.sql;
    this.#events.setMaxListeners(0);
  }

  /** Starts listening for other processes' (and this one's) announcements; resolves once LISTEN is in place. */
  async listen(): Promise<void> {
    const listening = await this.#sql.listen(REVIEWS_CHANNEL, (payload) => {
      const parsed = reviewEventSchema.safeParse(safeJson(payload));
      if (parsed.success) this.#events.emit('event', parsed.data);
    });
    this.#unlisten = () => listening.unlisten();
  }

  async unlisten(): Promise<void> {
    await this.#unlisten?.().catch(() => {});
    this.#unlisten = undefined;
  }

  subscribe(listener: (event: ReviewEvent) => void): () => void {
    this.#events.on('event', listener);
    return () => this.#events.off('event', listener);
  }

  async insert(review: NewReview): Promise<{ review: Review; created: boolean; requestHash: string }> {
    return this.#sql.begin(async (tx) => {
      const key = review.request.key;
      const [inserted] = await tx<ReviewRow[]>`
        INSERT INTO reviews (id, key, request_hash, request, status, created_at, expires_at, expires_at_ms)
        VALUES (${review.id}, ${key}, ${review.requestHash}, ${JSON.stringify(review.request)}, 'pending',
          ${review.createdAt}, ${review.expiresAt}, ${review.expiresAt === null ? null : Date.parse(review.expiresAt)})
        ON CONFLICT (key) DO NOTHING
        RETURNING *`;
      if (inserted) {
        await tx`SELECT pg_notify(${REVIEWS_CHANNEL}, ${JSON.stringify({ kind: 'created', id: review.id })})`;
        return { review: toReview(inserted), created: true, requestHash: review.requestHash };
      }
      const [existing] = await tx<ReviewRow[]>`SELECT * FROM reviews WHERE key = ${key}`;
      if (existing === undefined) throw new Error(`the review key ${key} conflicted but names no review`);
      return { review: toReview(existing), created: false, requestHash: existing.request_hash };
    }) as Promise<{ review: Review; created: boolean; requestHash: string }>;
  }

  async get(id: string): Promise<Review | undefined> {
    const [row] = await this.#sql<ReviewRow[]>`SELECT * FROM reviews WHERE id = ${id}`;
    return row ? toReview(row) : undefined;
  }

  async resolve(id: string, resolution: Resolution): Promise<boolean> {
    return this.#sql.begin(async (tx) => {
      const changed = await tx`
        UPDATE reviews SET status = ${resolution.status}, resolved_at = ${resolution.resolvedAt},
          reviewer = ${resolution.reviewer},
          input = ${resolution.input === null ? null : JSON.stringify(resolution.input)},
          comment = ${resolution.comment}, annotation_id = ${resolution.annotation?.id ?? null}
        WHERE id = ${id} AND status = 'pending'
        RETURNING id`;
      if (changed.length !== 1) return false;
      if (resolution.annotation) {
        await this.#store.applyChangesIn(tx, {
          deviceId: REVIEWS_DEVICE_ID,
          receivedAt: resolution.resolvedAt,
          annotations: [resolution.annotation],
          comparisons: [],
        });
      }
      // Delivered at commit, to every process listening (this one too).
      await tx`SELECT pg_notify(${REVIEWS_CHANNEL}, ${JSON.stringify({ kind: 'resolved', id })})`;
      return true;
    }) as Promise<boolean>;
  }

  async dueForExpiry(nowMs: number): Promise<Array<{ id: string; expiresAt: string }>> {
    return this.#sql<Array<{ id: string; expiresAt: string }>>`
      SELECT id, expires_at AS "expiresAt" FROM reviews
      WHERE status = 'pending' AND expires_at_ms <= ${nowMs} ORDER BY expires_at_ms`;
  }

  async nextExpiryMs(): Promise<number | null> {
    const [row] = await this.#sql<{ next: number | null }[]>`
      SELECT min(expires_at_ms) AS next FROM reviews WHERE status = 'pending'`;
    return row?.next ?? null;
  }

  async list(
    status: ReviewStatus | 'all',
    limit: number,
    offset: number,
  ): Promise<{ reviews: ReviewSummary[]; total: number }> {
    const where = status === 'all' ? '' : 'WHERE status = $3';
    const params: unknown[] = [limit, offset, ...(status === 'all' ? [] : [status])];
    const rows = await this.#sql.unsafe<SummaryRow[]>(
      `SELECT ${SUMMARY_COLUMNS} FROM reviews CROSS JOIN LATERAL (SELECT request::jsonb AS r) j
       ${where} ORDER BY ${ORDER[status]} LIMIT $1::int OFFSET $2::int`,
      params as never[],
    );
    const [count] = await this.#sql.unsafe<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM reviews ${status === 'all' ? '' : 'WHERE status = $1'}`,
      (status === 'all' ? [] : [status]) as never[],
    );
    return {
      total: count?.total ?? 0,
      reviews: rows.map((row) => ({
        id: row.id,
        key: row.key,
        title: row.title,
        status: row.status,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        resolvedAt: row.resolved_at,
        reviewer: row.reviewer,
        requestedBy: row.requested_by ?? null,
        messageCount: row.message_count,
        rowCount: row.row_count,
        fieldCount: row.field_count,
        hasOutput: row.has_output,
      })),
    };
  }

  async counts(): Promise<Record<ReviewStatus, number>> {
    const counts: Record<ReviewStatus, number> = { pending: 0, approved: 0, rejected: 0, expired: 0, cancelled: 0 };
    const rows = await this.#sql<{ status: ReviewStatus; n: number }[]>`
      SELECT status, count(*)::int AS n FROM reviews GROUP BY status`;
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
