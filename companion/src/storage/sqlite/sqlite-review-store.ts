import { EventEmitter } from 'node:events';
import type { Review, ReviewStatus, ReviewSummary } from '../../../../shared/index.ts';
import {
  type NewReview,
  REVIEWS_DEVICE_ID,
  type Resolution,
  type ReviewEvent,
  type ReviewRow,
  type ReviewStore,
  toReview,
} from '../review-store.ts';
import type { SqliteStore } from './sqlite-store.ts';

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
  has_output: number;
}

const SUMMARY_COLUMNS = `id, key, json_extract(request, '$.title') AS title, status, created_at, expires_at, resolved_at,
  reviewer, json_extract(request, '$.requestedBy') AS requested_by, coalesce(json_array_length(request, '$.messages'), 0) AS message_count,
  coalesce(json_array_length(request, '$.rows'), 0) AS row_count,
  (SELECT count(*) FROM json_each(request, '$.form.properties')) AS field_count,
  json_type(request, '$.output') = 'text' AS has_output`;

/** Pending reviews are a queue (oldest first); resolved ones are history (latest first). */
const ORDER: Record<ReviewStatus | 'all', string> = {
  pending: 'created_at, rowid',
  approved: 'resolved_at DESC, rowid DESC',
  rejected: 'resolved_at DESC, rowid DESC',
  expired: 'resolved_at DESC, rowid DESC',
  cancelled: 'resolved_at DESC, rowid DESC',
  all: 'created_at DESC, rowid DESC',
};

/**
 * Reviews in the SQLite file, beside the annotations: a decision and its annotation commit together.
 * One process serves a SQLite file, so its announcements are in-process events.
 */
export class SqliteReviewStore implements ReviewStore {
  readonly #store: SqliteStore;
  readonly #statements;
  readonly #events = new EventEmitter();

  constructor(store: SqliteStore) {
    this.#store = store;
    this.#events.setMaxListeners(0);
    const db = store.database;
    this.#statements = {
      byId: db.prepare<[string], ReviewRow>('SELECT * FROM reviews WHERE id = ?'),
      byKey: db.prepare<[string], ReviewRow>('SELECT * FROM reviews WHERE key = ?'),
      insert: db.prepare(
        `INSERT INTO reviews (id, key, request_hash, request, status, created_at, expires_at, expires_at_ms)
         VALUES (@id, @key, @requestHash, @request, 'pending', @createdAt, @expiresAt, @expiresAtMs)`,
      ),
      resolve: db.prepare(
        `UPDATE reviews SET status = @status, resolved_at = @resolvedAt, reviewer = @reviewer, input = @input,
           comment = @comment, annotation_id = @annotationId
         WHERE id = @id AND status = 'pending'`,
      ),
      due: db.prepare<[number], { id: string; expiresAt: string }>(
        `SELECT id, expires_at AS expiresAt FROM reviews
         WHERE status = 'pending' AND expires_at_ms <= ? ORDER BY expires_at_ms`,
      ),
      nextExpiry: db
        .prepare<[], number | null>("SELECT min(expires_at_ms) FROM reviews WHERE status = 'pending'")
        .pluck(),
      counts: db.prepare<[], { status: ReviewStatus; n: number }>(
        'SELECT status, count(*) AS n FROM reviews GROUP BY status',
      ),
    };
  }

  subscribe(listener: (event: ReviewEvent) => void): () => void {
    this.#events.on('event', listener);
    return () => this.#events.off('event', listener);
  }

  async insert(review: NewReview): Promise<{ review: Review; created: boolean; requestHash: string }> {
    const result = this.#store.database
      .transaction(() => {
        const key = review.request.key;
        const existing = key === null ? undefined : this.#statements.byKey.get(key);
        if (existing) return { review: toReview(existing), created: false, requestHash: existing.request_hash };
        this.#statements.insert.run({
          id: review.id,
          key,
          requestHash: review.requestHash,
          request: JSON.stringify(review.request),
          createdAt: review.createdAt,
          expiresAt: review.expiresAt,
          expiresAtMs: review.expiresAt === null ? null : Date.parse(review.expiresAt),
        });
        const stored = this.#statements.byId.get(review.id) as ReviewRow;
        return { review: toReview(stored), created: true, requestHash: review.requestHash };
      })
      .immediate();
    if (result.created) this.#events.emit('event', { kind: 'created', id: review.id } satisfies ReviewEvent);
    return result;
  }

  async get(id: string): Promise<Review | undefined> {
    const row = this.#statements.byId.get(id);
    return row ? toReview(row) : undefined;
  }

  async resolve(id: string, resolution: Resolution): Promise<boolean> {
    const resolved = this.#store.database
      .transaction(() => {
        const changed = this.#statements.resolve.run({
          id,
          status: resolution.status,
          resolvedAt: resolution.resolvedAt,
          reviewer: resolution.reviewer,
          input: resolution.input === null ? null : JSON.stringify(resolution.input),
          comment: resolution.comment,
          annotationId: resolution.annotation?.id ?? null,
        }).changes;
        if (changed !== 1) return false;
        if (resolution.annotation) {
          // Nested in this transaction (a savepoint): the decision and its annotation commit together.
          this.#store.applyChangesNow({
            deviceId: REVIEWS_DEVICE_ID,
            receivedAt: resolution.resolvedAt,
            annotations: [resolution.annotation],
            comparisons: [],
          });
        }
        return true;
      })
      .immediate();
    if (resolved) this.#events.emit('event', { kind: 'resolved', id } satisfies ReviewEvent);
    return resolved;
  }

  async dueForExpiry(nowMs: number): Promise<Array<{ id: string; expiresAt: string }>> {
    return this.#statements.due.all(nowMs);
  }

  async nextExpiryMs(): Promise<number | null> {
    return this.#statements.nextExpiry.get() ?? null;
  }

  async list(
    status: ReviewStatus | 'all',
    limit: number,
    offset: number,
  ): Promise<{ reviews: ReviewSummary[]; total: number }> {
    const db = this.#store.database;
    const where = status === 'all' ? '' : 'WHERE status = ?';
    const parameters = status === 'all' ? [] : [status];
    const rows = db
      .prepare<unknown[], SummaryRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM reviews ${where} ORDER BY ${ORDER[status]} LIMIT ? OFFSET ?`,
      )
      .all(...parameters, limit, offset);
    const total = db
      .prepare<unknown[], number>(`SELECT count(*) FROM reviews ${where}`)
      .pluck()
      .get(...parameters) as number;
    return {
      total,
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
        hasOutput: row.has_output === 1,
      })),
    };
  }

  async counts(): Promise<Record<ReviewStatus, number>> {
    const counts: Record<ReviewStatus, number> = { pending: 0, approved: 0, rejected: 0, expired: 0, cancelled: 0 };
    for (const row of this.#statements.counts.all()) counts[row.status] = row.n;
    return counts;
  }
}
