import { hashId } from '../../../shared/export/hash.ts';
import type {
  Queue,
  QueueAdjudication,
  QueueAnswer,
  QueueItem,
  QueueItemRow,
  QueueLease,
} from '../../../shared/index.ts';

/** Why an answer or a skip was not recorded. */
export type RecordRefusal =
  /** The queue has no such item. */
  | 'missing'
  /** The annotator already answered or skipped it (one record per annotator and item). */
  | 'answered'
  /** The item already has its N completed answers. */
  | 'complete'
  /** Every open slot is leased to other annotators (the caller's own lease expired, or they never leased it). */
  | 'held';

export type RecordResult = { ok: true; answer: QueueAnswer } | { ok: false; reason: RecordRefusal };

/** What `lease` hands back: the item now reserved for the annotator (or null), and how many more they could get. */
export interface LeaseResult {
  item: QueueItem | null;
  lease: QueueLease | null;
  remaining: number;
}

/** An item to add: everything but its place in the queue, which the store gives. */
export type NewQueueItem = Omit<QueueItem, 'position'>;

/**
 * Campaign queues (docs/queues.md), on either database. Serving and answering are atomic on the
 * server: each `lease` and `record` runs in one transaction that holds the queue's lock (SQLite: the
 * write lock; PostgreSQL: the queue's row, `FOR UPDATE`), so an item never collects more than its N
 * completed answers, however many annotators ask at once, and never reaches one annotator twice.
 * A lease is counted as a taken slot until it expires; an expired lease returns the item.
 */
export interface QueueStore {
  /** Stores a new queue; false when the id is taken. */
  create(queue: Queue): Promise<boolean>;
  get(id: string): Promise<Queue | undefined>;
  /** Every queue, oldest first. */
  list(): Promise<Queue[]>;
  /** Adds the items whose id the queue does not hold yet, after the others, in the order given. */
  addItems(queue: Queue, items: readonly NewQueueItem[]): Promise<{ added: number; present: number }>;
  getItem(queueId: string, itemId: string): Promise<QueueItem | undefined>;
  /** Every item of the queue in insertion order, read a page at a time (a campaign export streams them). */
  iterateItems(queueId: string): AsyncIterable<QueueItem>;
  /** Items in serving order with their counts (`leased`: active leases at `now`). */
  listItems(
    queue: Queue,
    page: { limit: number; offset: number },
    now: Date,
  ): Promise<{ items: QueueItemRow[]; total: number }>;
  /**
   * The item leased to `annotator`: the one they already hold (unexpired, unanswered) if any, else the
   * first in the queue's order that they have not answered or skipped and that has an open slot
   * (completed answers plus active leases below N).
   */
  lease(queue: Queue, annotator: string, now: Date): Promise<LeaseResult>;
  /** The annotator's unexpired lease on the item, if they hold one. */
  activeLease(queueId: string, itemId: string, annotator: string, now: Date): Promise<QueueLease | undefined>;
  /**
   * Records an answer (`done`, which needs an open slot) or a skip (always taken), filling in
   * `leasedAt` from the annotator's lease (expired or not) and releasing it.
   */
  record(queue: Queue, answer: Omit<QueueAnswer, 'leasedAt'>, now: Date): Promise<RecordResult>;
  /** The queue's answers and skips, in the order given; one item's when `itemId` is set. */
  answers(queueId: string, itemId?: string): Promise<QueueAnswer[]>;
  /** Leases unexpired at `now`. */
  leases(queueId: string, now: Date): Promise<QueueLease[]>;
  /** Stores an item's final answer, replacing the one it had; returns the replaced one. */
  adjudicate(adjudication: QueueAdjudication): Promise<QueueAdjudication | undefined>;
  /** The queue's final answers, by item id. */
  adjudications(queueId: string): Promise<QueueAdjudication[]>;
}

/** The random order's sort key of an item: a hash of the queue's seed and the item, so one seed gives one order. */
export function randomRank(seed: number, itemId: string): string {
  return hashId(`${seed}\u0000${itemId}`, 3);
}

/** Items are read this many at a time by `iterateItems`. */
export const ITEM_PAGE = 200;
