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
import { pgText, type Sql, type Tx } from './connect.ts';

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
 * Queues on PostgreSQL. Each `lease` and `record` is one transaction that first locks the queue's row
 * (`FOR UPDATE`): every companion process on the database serves one queue's items one request at a
 * time, so two requests never both take the last open slot. Other queues are not held up.
 */
export class PostgresQueueStore implements QueueStore {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(queue: Queue): Promise<boolean> {
    const rows = await this.#sql`INSERT INTO queues (id, created_at, body)
      VALUES (${queue.id}, ${queue.createdAt}, ${JSON.stringify(queue)}) ON CONFLICT (id) DO NOTHING RETURNING id`;
    return rows.length === 1;
  }

  async get(id: string): Promise<Queue | undefined> {
    const [row] = await this.#sql<{ body: string }[]>`SELECT body FROM queues WHERE id = ${pgText(id)}`;
    return row && (JSON.parse(row.body) as Queue);
  }

  async list(): Promise<Queue[]> {
    const rows = await this.#sql<{ body: string }[]>`SELECT body FROM queues ORDER BY created_at, id`;
    return rows.map((row) => JSON.parse(row.body) as Queue);
  }

  async addItems(queue: Queue, items: readonly NewQueueItem[]): Promise<{ added: number; present: number }> {
    return this.#sql.begin(async (tx) => {
      await lockQueue(tx, queue.id);
      const [last] = await tx<{ n: number }[]>`
        SELECT coalesce(max(position), 0)::int AS n FROM queue_items WHERE queue_id = ${queue.id}`;
      let position = last?.n ?? 0;
      let added = 0;
      for (const item of items) {
        const stored: QueueItem = { ...item, position: position + 1 };
        const inserted = await tx`INSERT INTO queue_items (queue_id, id, key, position, rank, body)
          VALUES (${queue.id}, ${item.id}, ${pgText(item.key)}, ${stored.position}, ${randomRank(queue.seed, item.id)},
            ${JSON.stringify(stored)})
          ON CONFLICT (queue_id, id) DO NOTHING RETURNING id`;
        if (inserted.length === 1) {
          position += 1;
          added += 1;
        }
      }
      return { added, present: items.length - added };
    });
  }

  async getItem(queueId: string, itemId: string): Promise<QueueItem | undefined> {
    const [row] = await this.#sql<{ body: string }[]>`
      SELECT body FROM queue_items WHERE queue_id = ${pgText(queueId)} AND id = ${pgText(itemId)}`;
    return row && (JSON.parse(row.body) as QueueItem);
  }

  async *iterateItems(queueId: string): AsyncGenerator<QueueItem> {
    let after = 0;
    for (;;) {
      const rows = await this.#sql<{ body: string; position: number }[]>`
        SELECT body, position FROM queue_items WHERE queue_id = ${pgText(queueId)} AND position > ${after}
        ORDER BY position LIMIT ${ITEM_PAGE}`;
      for (const row of rows) yield JSON.parse(row.body) as QueueItem;
      const last = rows.at(-1);
      if (last === undefined || rows.length < ITEM_PAGE) return;
      after = Number(last.position);
    }
  }

  async listItems(
    queue: Queue,
    page: { limit: number; offset: number },
    now: Date,
  ): Promise<{ items: QueueItemRow[]; total: number }> {
    const order = queue.order === 'random' ? this.#sql`i.rank, i.position` : this.#sql`i.position`;
    const items = await this.#sql<QueueItemRow[]>`
      SELECT i.id, i.key, i.position,
        (SELECT count(*)::int FROM queue_answers a WHERE a.queue_id = i.queue_id AND a.item_id = i.id AND a.status = 'done') AS done,
        (SELECT count(*)::int FROM queue_answers a WHERE a.queue_id = i.queue_id AND a.item_id = i.id AND a.status = 'skipped') AS skipped,
        (SELECT count(*)::int FROM queue_leases l WHERE l.queue_id = i.queue_id AND l.item_id = i.id AND l.expires_ms > ${now.getTime()}) AS leased
      FROM queue_items i WHERE i.queue_id = ${queue.id} ORDER BY ${order} LIMIT ${page.limit} OFFSET ${page.offset}`;
    const [count] = await this.#sql<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM queue_items WHERE queue_id = ${queue.id}`;
    return { items: [...items], total: count?.n ?? 0 };
  }

  async lease(queue: Queue, annotator: string, now: Date): Promise<LeaseResult> {
    const at = now.getTime();
    const who = pgText(annotator);
    return this.#sql.begin(async (tx) => {
      await lockQueue(tx, queue.id);
      let [row] = await tx<LeaseRow[]>`SELECT * FROM queue_leases
        WHERE queue_id = ${queue.id} AND annotator = ${who} AND expires_ms > ${at}
        ORDER BY leased_at, item_id LIMIT 1`;
      if (row === undefined) {
        const order = queue.order === 'random' ? tx`i.rank, i.position` : tx`i.position`;
        const [first] = await tx<
          { id: string }[]
        >`SELECT i.id ${eligible(tx, queue, who, at)} ORDER BY ${order} LIMIT 1`;
        if (first !== undefined) {
          [row] = await tx<LeaseRow[]>`
            INSERT INTO queue_leases (queue_id, item_id, annotator, leased_at, expires_ms)
            VALUES (${queue.id}, ${first.id}, ${who}, ${now.toISOString()}, ${at + queue.leaseSeconds * 1000})
            ON CONFLICT (queue_id, item_id, annotator)
              DO UPDATE SET leased_at = excluded.leased_at, expires_ms = excluded.expires_ms
            RETURNING *`;
        }
      }
      const [count] = await tx<{ n: number }[]>`SELECT count(*)::int AS n ${eligible(tx, queue, who, at)}`;
      const remaining = count?.n ?? 0;
      if (row === undefined) return { item: null, lease: null, remaining };
      const [item] = await tx<{ body: string }[]>`
        SELECT body FROM queue_items WHERE queue_id = ${queue.id} AND id = ${row.item_id}`;
      return { item: item ? (JSON.parse(item.body) as QueueItem) : null, lease: toLease(row), remaining };
    });
  }

  async activeLease(queueId: string, itemId: string, annotator: string, now: Date): Promise<QueueLease | undefined> {
    const [row] = await this.#sql<LeaseRow[]>`SELECT * FROM queue_leases
      WHERE queue_id = ${pgText(queueId)} AND item_id = ${pgText(itemId)} AND annotator = ${pgText(annotator)}
        AND expires_ms > ${now.getTime()}`;
    return row && toLease(row);
  }

  async record(queue: Queue, answer: Omit<QueueAnswer, 'leasedAt'>, now: Date): Promise<RecordResult> {
    const at = now.getTime();
    const itemId = pgText(answer.itemId);
    const who = pgText(answer.annotator);
    return this.#sql.begin(async (tx): Promise<RecordResult> => {
      await lockQueue(tx, queue.id);
      const [item] = await tx`SELECT 1 FROM queue_items WHERE queue_id = ${queue.id} AND id = ${itemId}`;
      if (item === undefined) return { ok: false, reason: 'missing' };
      const [given] = await tx`SELECT 1 FROM queue_answers
        WHERE queue_id = ${queue.id} AND item_id = ${itemId} AND annotator = ${who}`;
      if (given !== undefined) return { ok: false, reason: 'answered' };
      const [lease] = await tx<LeaseRow[]>`SELECT * FROM queue_leases
        WHERE queue_id = ${queue.id} AND item_id = ${itemId} AND annotator = ${who}`;
      if (answer.status === 'done') {
        const [counts] = await tx<{ done: number; others: number }[]>`SELECT
          (SELECT count(*)::int FROM queue_answers WHERE queue_id = ${queue.id} AND item_id = ${itemId} AND status = 'done') AS done,
          (SELECT count(*)::int FROM queue_leases WHERE queue_id = ${queue.id} AND item_id = ${itemId}
             AND annotator <> ${who} AND expires_ms > ${at}) AS others`;
        const done = counts?.done ?? 0;
        if (done >= queue.overlap) return { ok: false, reason: 'complete' };
        const holds = lease !== undefined && lease.expires_ms > at;
        if (!holds && done + (counts?.others ?? 0) >= queue.overlap) return { ok: false, reason: 'held' };
      }
      const stored: QueueAnswer = { ...answer, leasedAt: lease?.leased_at ?? null };
      await tx`INSERT INTO queue_answers (queue_id, item_id, annotator, status, answered_at, body)
        VALUES (${queue.id}, ${itemId}, ${who}, ${answer.status}, ${answer.answeredAt}, ${JSON.stringify(stored)})`;
      await tx`DELETE FROM queue_leases WHERE queue_id = ${queue.id} AND item_id = ${itemId} AND annotator = ${who}`;
      return { ok: true, answer: stored };
    });
  }

  async answers(queueId: string, itemId?: string): Promise<QueueAnswer[]> {
    const rows =
      itemId === undefined
        ? await this.#sql<{ body: string }[]>`SELECT body FROM queue_answers WHERE queue_id = ${pgText(queueId)}
            ORDER BY answered_at, item_id, annotator`
        : await this.#sql<{ body: string }[]>`SELECT body FROM queue_answers
            WHERE queue_id = ${pgText(queueId)} AND item_id = ${pgText(itemId)} ORDER BY answered_at, annotator`;
    return rows.map((row) => JSON.parse(row.body) as QueueAnswer);
  }

  async leases(queueId: string, now: Date): Promise<QueueLease[]> {
    const rows = await this.#sql<LeaseRow[]>`SELECT * FROM queue_leases
      WHERE queue_id = ${pgText(queueId)} AND expires_ms > ${now.getTime()} ORDER BY leased_at, item_id, annotator`;
    return rows.map(toLease);
  }

  async adjudicate(adjudication: QueueAdjudication): Promise<QueueAdjudication | undefined> {
    const { queueId, itemId } = adjudication;
    return this.#sql.begin(async (tx) => {
      await lockQueue(tx, queueId);
      const [previous] = await tx<{ body: string }[]>`SELECT body FROM queue_adjudications
        WHERE queue_id = ${queueId} AND item_id = ${itemId}`;
      await tx`INSERT INTO queue_adjudications (queue_id, item_id, adjudicator, decided_at, body)
        VALUES (${queueId}, ${itemId}, ${pgText(adjudication.adjudicator)}, ${adjudication.decidedAt},
          ${JSON.stringify(adjudication)})
        ON CONFLICT (queue_id, item_id) DO UPDATE SET adjudicator = excluded.adjudicator,
          decided_at = excluded.decided_at, body = excluded.body`;
      return previous && (JSON.parse(previous.body) as QueueAdjudication);
    });
  }

  async adjudications(queueId: string): Promise<QueueAdjudication[]> {
    const rows = await this.#sql<{ body: string }[]>`SELECT body FROM queue_adjudications
      WHERE queue_id = ${pgText(queueId)} ORDER BY item_id`;
    return rows.map((row) => JSON.parse(row.body) as QueueAdjudication);
  }
}

/** Holds the queue's row until the transaction ends: the one lock every lease and answer of the queue takes. */
async function lockQueue(tx: Tx, queueId: string): Promise<void> {
  await tx`SELECT id FROM queues WHERE id = ${queueId} FOR UPDATE`;
}

/** As sqlite-queue-store.ts's ELIGIBLE: items the annotator may be served. */
function eligible(tx: Tx, queue: Queue, annotator: string, at: number) {
  return tx`FROM queue_items i
    WHERE i.queue_id = ${queue.id}
      AND NOT EXISTS (SELECT 1 FROM queue_answers a WHERE a.queue_id = i.queue_id AND a.item_id = i.id AND a.annotator = ${annotator})
      AND NOT EXISTS (SELECT 1 FROM queue_leases l WHERE l.queue_id = i.queue_id AND l.item_id = i.id
        AND l.annotator = ${annotator} AND l.expires_ms > ${at})
      AND (SELECT count(*) FROM queue_answers a WHERE a.queue_id = i.queue_id AND a.item_id = i.id AND a.status = 'done')
        + (SELECT count(*) FROM queue_leases l WHERE l.queue_id = i.queue_id AND l.item_id = i.id AND l.expires_ms > ${at})
        < ${queue.overlap}`;
}
