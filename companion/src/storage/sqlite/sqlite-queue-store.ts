import type Database from 'better-sqlite3';
import type {
  Queue,
  QueueAdjudication,
  QueueAnswer,
  QueueItem,
  QueueItemRow,
  QueueLease,
} from '../../../../shared/index.ts';
import {
  ITEM_PAGE,
  type LeaseResult,
  type NewQueueItem,
  type QueueStore,
  type RecordResult,
  randomRank,
} from '../queue-store.ts';

interface LeaseRow {
  queue_id: string;
  item_id: string;
  annotator: string;
  leased_at: string;
  expires_ms: number;
}

function toLease(row: LeaseRow): QueueLease {
  return {
    queueId: row.queue_id,
    itemId: row.item_id,
    annotator: row.annotator,
    leasedAt: row.leased_at,
    expiresAt: new Date(row.expires_ms).toISOString(),
  };
}

/**
 * Items `@annotator` may be served: not answered or skipped by them, not leased to them right now, and
 * with an open slot (completed answers plus others' active leases below the overlap).
 */
const ELIGIBLE = `FROM queue_items i
  WHERE i.queue_id = @queue
    AND NOT EXISTS (SELECT 1 FROM queue_answers a WHERE a.queue_id = i.queue_id AND a.item_id = i.id AND a.annotator = @annotator)
    AND NOT EXISTS (SELECT 1 FROM queue_leases l WHERE l.queue_id = i.queue_id AND l.item_id = i.id
      AND l.annotator = @annotator AND l.expires_ms > @now)
    AND (SELECT count(*) FROM queue_answers a WHERE a.queue_id = i.queue_id AND a.item_id = i.id AND a.status = 'done')
      + (SELECT count(*) FROM queue_leases l WHERE l.queue_id = i.queue_id AND l.item_id = i.id AND l.expires_ms > @now)
      < @overlap`;

/**
 * Queues in the SQLite file. Each `lease` and `record` is one IMMEDIATE transaction: it takes the
 * database's write lock before it reads, so two requests (or two processes) never both see the last
 * open slot.
 */
export class SqliteQueueStore implements QueueStore {
  readonly #db: Database.Database;
  readonly #s;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#s = {
      insertQueue: db.prepare<[string, string, string]>(
        'INSERT INTO queues (id, created_at, body) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
      ),
      getQueue: db.prepare<[string], { body: string }>('SELECT body FROM queues WHERE id = ?'),
      listQueues: db.prepare<[], { body: string }>('SELECT body FROM queues ORDER BY created_at, id'),
      lastPosition: db.prepare<[string], { n: number }>(
        'SELECT coalesce(max(position), 0) AS n FROM queue_items WHERE queue_id = ?',
      ),
      insertItem: db.prepare<[string, string, string, number, string, string]>(
        `INSERT INTO queue_items (queue_id, id, key, position, rank, body) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (queue_id, id) DO NOTHING`,
      ),
      getItem: db.prepare<[string, string], { body: string; position: number }>(
        'SELECT body, position FROM queue_items WHERE queue_id = ? AND id = ?',
      ),
      itemsAfter: db.prepare<[string, number, number], { body: string; position: number }>(
        'SELECT body, position FROM queue_items WHERE queue_id = ? AND position > ? ORDER BY position LIMIT ?',
      ),
      countItems: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM queue_items WHERE queue_id = ?'),
      ownLease: db.prepare<{ queue: string; annotator: string; now: number }, LeaseRow>(
        `SELECT l.* FROM queue_leases l WHERE l.queue_id = @queue AND l.annotator = @annotator AND l.expires_ms > @now
         ORDER BY l.leased_at, l.item_id LIMIT 1`,
      ),
      leaseOf: db.prepare<[string, string, string], LeaseRow>(
        'SELECT * FROM queue_leases WHERE queue_id = ? AND item_id = ? AND annotator = ?',
      ),
      upsertLease: db.prepare<[string, string, string, string, number]>(
        `INSERT INTO queue_leases (queue_id, item_id, annotator, leased_at, expires_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (queue_id, item_id, annotator) DO UPDATE SET leased_at = excluded.leased_at, expires_ms = excluded.expires_ms`,
      ),
      deleteLease: db.prepare<[string, string, string]>(
        'DELETE FROM queue_leases WHERE queue_id = ? AND item_id = ? AND annotator = ?',
      ),
      activeLeases: db.prepare<[string, number], LeaseRow>(
        'SELECT * FROM queue_leases WHERE queue_id = ? AND expires_ms > ? ORDER BY leased_at, item_id, annotator',
      ),
      othersActive: db.prepare<[string, string, string, number], { n: number }>(
        'SELECT count(*) AS n FROM queue_leases WHERE queue_id = ? AND item_id = ? AND annotator <> ? AND expires_ms > ?',
      ),
      answerOf: db.prepare<[string, string, string], { status: string }>(
        'SELECT status FROM queue_answers WHERE queue_id = ? AND item_id = ? AND annotator = ?',
      ),
      doneCount: db.prepare<[string, string], { n: number }>(
        "SELECT count(*) AS n FROM queue_answers WHERE queue_id = ? AND item_id = ? AND status = 'done'",
      ),
      insertAnswer: db.prepare<[string, string, string, string, string, string]>(
        'INSERT INTO queue_answers (queue_id, item_id, annotator, status, answered_at, body) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      answers: db.prepare<[string], { body: string }>(
        'SELECT body FROM queue_answers WHERE queue_id = ? ORDER BY answered_at, item_id, annotator',
      ),
      itemAnswers: db.prepare<[string, string], { body: string }>(
        'SELECT body FROM queue_answers WHERE queue_id = ? AND item_id = ? ORDER BY answered_at, annotator',
      ),
      getAdjudication: db.prepare<[string, string], { body: string }>(
        'SELECT body FROM queue_adjudications WHERE queue_id = ? AND item_id = ?',
      ),
      upsertAdjudication: db.prepare<[string, string, string, string, string]>(
        `INSERT INTO queue_adjudications (queue_id, item_id, adjudicator, decided_at, body) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (queue_id, item_id) DO UPDATE SET adjudicator = excluded.adjudicator,
           decided_at = excluded.decided_at, body = excluded.body`,
      ),
      adjudications: db.prepare<[string], { body: string }>(
        'SELECT body FROM queue_adjudications WHERE queue_id = ? ORDER BY item_id',
      ),
      firstEligibleOldest: db.prepare<
        { queue: string; annotator: string; now: number; overlap: number },
        { id: string }
      >(`SELECT i.id ${ELIGIBLE} ORDER BY i.position LIMIT 1`),
      firstEligibleRandom: db.prepare<
        { queue: string; annotator: string; now: number; overlap: number },
        { id: string }
      >(`SELECT i.id ${ELIGIBLE} ORDER BY i.rank, i.position LIMIT 1`),
      countEligible: db.prepare<{ queue: string; annotator: string; now: number; overlap: number }, { n: number }>(
        `SELECT count(*) AS n ${ELIGIBLE}`,
      ),
      listItems: db.prepare<[number, string, number, number], QueueItemRow>(
        `SELECT i.id, i.key, i.position,
           (SELECT count(*) FROM queue_answers a WHERE a.queue_id = i.queue_id AND a.item_id = i.id AND a.status = 'done') AS done,
           (SELECT count(*) FROM queue_answers a WHERE a.queue_id = i.queue_id AND a.item_id = i.id AND a.status = 'skipped') AS skipped,
           (SELECT count(*) FROM queue_leases l WHERE l.queue_id = i.queue_id AND l.item_id = i.id AND l.expires_ms > ?) AS leased
         FROM queue_items i WHERE i.queue_id = ? ORDER BY i.position LIMIT ? OFFSET ?`,
      ),
      listItemsRandom: db.prepare<[number, string, number, number], QueueItemRow>(
        `SELECT i.id, i.key, i.position,
           (SELECT count(*) FROM queue_answers a WHERE a.queue_id = i.queue_id AND a.item_id = i.id AND a.status = 'done') AS done,
           (SELECT count(*) FROM queue_answers a WHERE a.queue_id = i.queue_id AND a.item_id = i.id AND a.status = 'skipped') AS skipped,
           (SELECT count(*) FROM queue_leases l WHERE l.queue_id = i.queue_id AND l.item_id = i.id AND l.expires_ms > ?) AS leased
         FROM queue_items i WHERE i.queue_id = ? ORDER BY i.rank, i.position LIMIT ? OFFSET ?`,
      ),
    };
  }

  async create(queue: Queue): Promise<boolean> {
    return this.#s.insertQueue.run(queue.id, queue.createdAt, JSON.stringify(queue)).changes === 1;
  }

  async get(id: string): Promise<Queue | undefined> {
    const row = this.#s.getQueue.get(id);
    return row && (JSON.parse(row.body) as Queue);
  }

  async list(): Promise<Queue[]> {
    return this.#s.listQueues.all().map((row) => JSON.parse(row.body) as Queue);
  }

  async addItems(queue: Queue, items: readonly NewQueueItem[]): Promise<{ added: number; present: number }> {
    return this.#db
      .transaction(() => {
        let position = this.#s.lastPosition.get(queue.id)?.n ?? 0;
        let added = 0;
        for (const item of items) {
          const stored: QueueItem = { ...item, position: position + 1 };
          const { changes } = this.#s.insertItem.run(
            queue.id,
            item.id,
            item.key,
            stored.position,
            randomRank(queue.seed, item.id),
            JSON.stringify(stored),
          );
          if (changes === 1) {
            position += 1;
            added += 1;
          }
        }
        return { added, present: items.length - added };
      })
      .immediate();
  }

  async getItem(queueId: string, itemId: string): Promise<QueueItem | undefined> {
    const row = this.#s.getItem.get(queueId, itemId);
    return row && (JSON.parse(row.body) as QueueItem);
  }

  async *iterateItems(queueId: string): AsyncGenerator<QueueItem> {
    let after = 0;
    for (;;) {
      const rows = this.#s.itemsAfter.all(queueId, after, ITEM_PAGE);
      for (const row of rows) yield JSON.parse(row.body) as QueueItem;
      const last = rows.at(-1);
      if (last === undefined || rows.length < ITEM_PAGE) return;
      after = last.position;
    }
  }

  async listItems(
    queue: Queue,
    page: { limit: number; offset: number },
    now: Date,
  ): Promise<{ items: QueueItemRow[]; total: number }> {
    const statement = queue.order === 'random' ? this.#s.listItemsRandom : this.#s.listItems;
    return {
      items: statement.all(now.getTime(), queue.id, page.limit, page.offset),
      total: this.#s.countItems.get(queue.id)?.n ?? 0,
    };
  }

  async lease(queue: Queue, annotator: string, now: Date): Promise<LeaseResult> {
    const at = now.getTime();
    const params = { queue: queue.id, annotator, now: at, overlap: queue.overlap };
    return this.#db
      .transaction((): LeaseResult => {
        let row = this.#s.ownLease.get({ queue: queue.id, annotator, now: at });
        if (row === undefined) {
          const first = (queue.order === 'random' ? this.#s.firstEligibleRandom : this.#s.firstEligibleOldest).get(
            params,
          );
          if (first !== undefined) {
            this.#s.upsertLease.run(queue.id, first.id, annotator, now.toISOString(), at + queue.leaseSeconds * 1000);
            row = this.#s.leaseOf.get(queue.id, first.id, annotator);
          }
        }
        const remaining = this.#s.countEligible.get(params)?.n ?? 0;
        if (row === undefined) return { item: null, lease: null, remaining };
        const item = this.#s.getItem.get(queue.id, row.item_id);
        return { item: item ? (JSON.parse(item.body) as QueueItem) : null, lease: toLease(row), remaining };
      })
      .immediate();
  }

  async activeLease(queueId: string, itemId: string, annotator: string, now: Date): Promise<QueueLease | undefined> {
    const row = this.#s.leaseOf.get(queueId, itemId, annotator);
    return row && row.expires_ms > now.getTime() ? toLease(row) : undefined;
  }

  async record(queue: Queue, answer: Omit<QueueAnswer, 'leasedAt'>, now: Date): Promise<RecordResult> {
    const at = now.getTime();
    const { itemId, annotator } = answer;
    return this.#db
      .transaction((): RecordResult => {
        if (this.#s.getItem.get(queue.id, itemId) === undefined) return { ok: false, reason: 'missing' };
        if (this.#s.answerOf.get(queue.id, itemId, annotator) !== undefined) return { ok: false, reason: 'answered' };
        const lease = this.#s.leaseOf.get(queue.id, itemId, annotator);
        if (answer.status === 'done') {
          const done = this.#s.doneCount.get(queue.id, itemId)?.n ?? 0;
          if (done >= queue.overlap) return { ok: false, reason: 'complete' };
          const holds = lease !== undefined && lease.expires_ms > at;
          const others = this.#s.othersActive.get(queue.id, itemId, annotator, at)?.n ?? 0;
          if (!holds && done + others >= queue.overlap) return { ok: false, reason: 'held' };
        }
        const stored: QueueAnswer = { ...answer, leasedAt: lease?.leased_at ?? null };
        this.#s.insertAnswer.run(queue.id, itemId, annotator, answer.status, answer.answeredAt, JSON.stringify(stored));
        this.#s.deleteLease.run(queue.id, itemId, annotator);
        return { ok: true, answer: stored };
      })
      .immediate();
  }

  async answers(queueId: string, itemId?: string): Promise<QueueAnswer[]> {
    const rows = itemId === undefined ? this.#s.answers.all(queueId) : this.#s.itemAnswers.all(queueId, itemId);
    return rows.map((row) => JSON.parse(row.body) as QueueAnswer);
  }

  async leases(queueId: string, now: Date): Promise<QueueLease[]> {
    return this.#s.activeLeases.all(queueId, now.getTime()).map(toLease);
  }

  async adjudicate(adjudication: QueueAdjudication): Promise<QueueAdjudication | undefined> {
    const { queueId, itemId } = adjudication;
    return this.#db
      .transaction((): QueueAdjudication | undefined => {
        const previous = this.#s.getAdjudication.get(queueId, itemId);
        this.#s.upsertAdjudication.run(
          queueId,
          itemId,
          adjudication.adjudicator,
          adjudication.decidedAt,
          JSON.stringify(adjudication),
        );
        return previous && (JSON.parse(previous.body) as QueueAdjudication);
      })
      .immediate();
  }

  async adjudications(queueId: string): Promise<QueueAdjudication[]> {
    return this.#s.adjudications.all(queueId).map((row) => JSON.parse(row.body) as QueueAdjudication);
  }
}
