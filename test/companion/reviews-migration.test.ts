import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReviewService } from '../../companion/src/reviews/review-service.ts';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../companion/src/storage/sqlite/migrations.ts';
import { SqliteReviewStore } from '../../companion/src/storage/sqlite/sqlite-review-store.ts';
import { openSqliteStore } from '../../companion/src/storage/sqlite/sqlite-store.ts';
import { reviewRequestSchema } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { collect } from '../support/collect.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { reviewRequest } from './reviews-helpers.ts';

describe('migration 3: reviews', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let path = '';
  beforeEach(async () => {
    dir = await makeTempDir('reviews-migration');
    path = `${dir.path}/margin.sqlite`;
  });
  afterEach(() => dir.remove());

  it('upgrades a frozen version-2 database: annotations kept, an empty review queue that works', async () => {
    const db = new Database(path);
    migrate(
      db,
      MIGRATIONS.filter((migration) => migration.version <= 2),
    );
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    const annotation = makeAnnotation({ conversationId: 'conv-9' });
    db.prepare(
      `INSERT INTO annotations (id, seq, key, site, annotator, revision, updated_at, updated_at_ms, deleted_at, device_id, hash, received_at, body, conversation_id)
       VALUES (?, 1, ?, ?, 'ada', 1, ?, 0, NULL, 'd', 'h1', ?, ?, ?)`,
    ).run(
      annotation.id,
      annotation.key,
      annotation.site,
      annotation.updatedAt,
      annotation.updatedAt,
      JSON.stringify(annotation),
      annotation.conversationId,
    );
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'reviews'").pluck().get()).toBe(0);
    db.close();

    const store = openSqliteStore(path);
    try {
      expect(store.database.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      expect(LATEST_VERSION).toBeGreaterThanOrEqual(3);
      expect(await collect(store.iterateAnnotations())).toEqual([annotation]);
      const reviews = new ReviewService({ store: new SqliteReviewStore(store) });
      expect(await reviews.counts()).toEqual({
        pending: 0,
        approved: 0,
        rejected: 0,
        expired: 0,
        cancelled: 0,
        waiters: 0,
      });
      const { review } = await reviews.create(reviewRequestSchema.parse(reviewRequest({ key: 'k' })));
      const decided = await reviews.decide(
        review.id,
        { decision: 'approve', input: { title: 'Dr', first_name: 'A', last_name: 'B' }, reviewer: 'r', comment: '' },
        'http://127.0.0.1:8787',
      );
      expect(decided.status).toBe('approved');
      // The decision's annotation takes the next sequence number after the migrated one.
      expect(await store.checkpoint()).toBe(2);
      reviews.close();
    } finally {
      store.close();
    }
  });

  it('the status column only takes the five statuses, and a key names one review', () => {
    const store = openSqliteStore(path);
    try {
      const insert = store.database.prepare(
        "INSERT INTO reviews (id, key, request_hash, request, status, created_at) VALUES (?, ?, 'h', '{}', ?, '2026-01-01T00:00:00Z')",
      );
      insert.run('a', 'k', 'pending');
      expect(() => insert.run('b', null, 'done')).toThrow(/CHECK constraint/);
      expect(() => insert.run('c', 'k', 'pending')).toThrow(/UNIQUE constraint/);
      insert.run('d', null, 'approved');
      insert.run('e', null, 'approved');
    } finally {
      store.close();
    }
  });
});
