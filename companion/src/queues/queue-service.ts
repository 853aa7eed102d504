import { canonicalJson } from '../../../shared/canonical-json.ts';
import { hashId } from '../../../shared/export/hash.ts';
import {
  type Queue,
  type QueueAdjudicated,
  type QueueAdjudication,
  type QueueAdjudicationInput,
  type QueueAnswer,
  type QueueAnswerInput,
  type QueueCreate,
  type QueueCreated,
  type QueueDisagreements,
  type QueueItem,
  type QueueItemInput,
  type QueueItemsAdded,
  type QueueItemView,
  type QueueLease,
  type QueueNext,
  type QueueProgress,
  type QueueSummary,
  queueAnswerIssues,
  shownOrderFor,
} from '../../../shared/index.ts';
import type { Caller } from '../accounts/caller.ts';
import type { QueueStore, RecordRefusal } from '../storage/queue-store.ts';
import { HttpError } from '../support/http-error.ts';
import { adjudicateItem, queueDisagreements } from './queue-adjudication.ts';
import { type CampaignRecords, campaignRecords } from './queue-campaign.ts';
import { itemFromInput, itemsFromStore, type QueueFillSource } from './queue-fill.ts';
import { queueCounts, queueProgress } from './queue-progress.ts';

export interface QueueServiceDeps {
  queues: QueueStore;
  /** What a filter fills a queue from. */
  annotations: QueueFillSource;
  clock?: () => Date;
}

const REFUSALS: Record<RecordRefusal, { status: number; code: string; message: string }> = {
  missing: { status: 404, code: 'queue_item_not_found', message: 'The queue has no such item.' },
  answered: {
    status: 409,
    code: 'queue_item_answered',
    message: 'You have already answered or skipped this item; each annotator answers an item once.',
  },
  complete: {
    status: 409,
    code: 'queue_item_complete',
    message: 'This item already has all the answers the queue asks for; ask for the next item.',
  },
  held: {
    status: 409,
    code: 'queue_item_held',
    message:
      'Every open slot of this item is leased to other annotators (your lease expired, or you never had one); ask for the next item.',
  },
};

/**
 * Campaign queues (docs/queues.md): who may see and work a queue, what they may read of it (a blind
 * queue shows an annotator only their own answers), and serving, answering and skipping on top of
 * the store's atomic lease and record.
 */
export class QueueService {
  readonly #queues: QueueStore;
  readonly #annotations: QueueFillSource;
  readonly #clock: () => Date;

  constructor(deps: QueueServiceDeps) {
    this.#queues = deps.queues;
    this.#annotations = deps.annotations;
    this.#clock = deps.clock ?? (() => new Date());
  }

  async create(input: QueueCreate, creator: string): Promise<QueueCreated> {
    const now = this.#clock();
    const { filter, ...settings } = input;
    if (filter !== undefined && settings.kind === 'pairwise') {
      throw new HttpError(400, 'invalid_request', 'A pairwise queue is filled by API: its items hold two responses.', [
        { path: 'filter', message: 'leave the filter out and send pairs to POST /api/v1/queues/:id/items' },
      ]);
    }
    const queue: Queue = { ...settings, createdAt: now.toISOString(), createdBy: creator };
    if (!(await this.#queues.create(queue))) {
      throw new HttpError(409, 'queue_exists', `There is already a queue "${queue.id}"; choose another id.`, [
        { path: 'id', message: 'taken' },
      ]);
    }
    if (filter === undefined) return { queue, added: 0, matched: 0 };
    const { items, matched } = await itemsFromStore(this.#annotations, queue.id, filter, now);
    const { added } = await this.#queues.addItems(queue, items);
    return { queue, added, matched };
  }

  /** The queue, if the caller may see it (a 404 otherwise: a queue they may not work does not exist for them). */
  async visible(id: string, caller: Caller): Promise<Queue> {
    const queue = await this.#queues.get(id);
    if (queue === undefined || !maySee(queue, caller))
      throw new HttpError(404, 'queue_not_found', `There is no queue "${id}".`);
    return queue;
  }

  /** The queue, if the caller may work it (answer, skip, lease). */
  async workable(id: string, caller: Caller): Promise<Queue> {
    const queue = await this.visible(id, caller);
    if (!mayWork(queue, caller)) {
      throw new HttpError(
        403,
        'queue_forbidden',
        `You ("${caller.name}") are not among the annotators of queue "${id}"; an admin can add you to its assignees.`,
      );
    }
    return queue;
  }

  async list(caller: Caller): Promise<QueueSummary[]> {
    const queues = (await this.#queues.list()).filter((queue) => maySee(queue, caller));
    return Promise.all(queues.map(async (queue) => ({ queue, counts: await this.counts(queue) })));
  }

  async summary(id: string, caller: Caller): Promise<QueueSummary> {
    const queue = await this.visible(id, caller);
    return { queue, counts: await this.counts(queue) };
  }

  async counts(queue: Queue) {
    const now = this.#clock();
    const [answers, leases, page] = await Promise.all([
      this.#queues.answers(queue.id),
      this.#queues.leases(queue.id, now),
      this.#queues.listItems(queue, { limit: 1, offset: 0 }, now),
    ]);
    return queueCounts(queue, page.total, answers, leases);
  }

  async addItems(id: string, inputs: readonly QueueItemInput[], caller: Caller): Promise<QueueItemsAdded> {
    const queue = await this.visible(id, caller);
    const wrong = inputs.flatMap((input, index) =>
      queue.kind === 'pairwise' && input.responses === undefined
        ? [{ path: `items.${index}.responses`, message: 'a pairwise queue needs two responses per item' }]
        : queue.kind === 'single' && input.response === undefined
          ? [{ path: `items.${index}.response`, message: 'this queue judges one response per item: send `response`' }]
          : [],
    );
    if (wrong.length > 0)
      throw new HttpError(400, 'invalid_request', 'The items do not fit the queue; see issues.', wrong);
    const now = this.#clock();
    const items = inputs.map((input) => itemFromInput(queue.id, input, contentKey(input), now));
    const { added, present } = await this.#queues.addItems(queue, items);
    return { added, present, itemIds: items.map((item) => item.id) };
  }

  async next(id: string, caller: Caller): Promise<QueueNext> {
    const queue = await this.workable(id, caller);
    const { item, lease, remaining } = await this.#queues.lease(queue, caller.name, this.#clock());
    if (item === null) {
      return {
        item: null,
        remaining,
        message: `Nothing left for you in "${queue.name}": every item is answered, skipped by you, or has all its annotators.`,
      };
    }
    return { item: await this.#view(queue, item, caller, lease), remaining, message: null };
  }

  async item(id: string, itemId: string, caller: Caller): Promise<QueueItemView> {
    const queue = await this.visible(id, caller);
    const item = await this.#queues.getItem(queue.id, itemId);
    if (item === undefined) throw new HttpError(404, 'queue_item_not_found', `Queue "${id}" has no item ${itemId}.`);
    const lease = (await this.#queues.activeLease(queue.id, itemId, caller.name, this.#clock())) ?? null;
    return this.#view(queue, item, caller, lease);
  }

  async answer(id: string, itemId: string, input: QueueAnswerInput, caller: Caller): Promise<QueueAnswer> {
    const queue = await this.workable(id, caller);
    const issues = queueAnswerIssues(queue, input);
    if (issues.length > 0)
      throw new HttpError(400, 'invalid_request', 'The answer does not fit the queue’s questions; see issues.', issues);
    const shownOrder = queue.kind === 'pairwise' ? shownOrderFor(queue.seed, itemId, caller.name) : null;
    const preferred =
      input.preference === null || shownOrder === null
        ? null
        : input.preference === 'tie'
          ? 'tie'
          : shownOrder[input.preference === 'A' ? 0 : 1] === 0
            ? 'first'
            : 'second';
    return this.#record(queue, { ...input, status: 'done', shownOrder, preferred, reason: null }, itemId, caller);
  }

  async skip(id: string, itemId: string, reason: string, caller: Caller): Promise<QueueAnswer> {
    const queue = await this.workable(id, caller);
    return this.#record(
      queue,
      {
        status: 'skipped',
        thumb: null,
        score: null,
        comment: '',
        correction: null,
        rubric: {},
        preference: null,
        shownOrder: null,
        preferred: null,
        reason,
      },
      itemId,
      caller,
    );
  }

  /** The queue's progress; an annotator sees only their own row (names and pace of others stay with the lead). */
  async progress(id: string, caller: Caller): Promise<QueueProgress> {
    const queue = await this.visible(id, caller);
    const now = this.#clock();
    const [answers, leases, page] = await Promise.all([
      this.#queues.answers(queue.id),
      this.#queues.leases(queue.id, now),
      this.#queues.listItems(queue, { limit: 1, offset: 0 }, now),
    ]);
    const seesAll = caller.role === 'admin' || caller.role === 'viewer' || caller.personal;
    return queueProgress(queue, page.total, answers, leases, seesAll ? undefined : caller.name);
  }

  async items(id: string, page: { limit: number; offset: number }, caller: Caller) {
    const queue = await this.visible(id, caller);
    return this.#queues.listItems(queue, page, this.#clock());
  }

  /** A queue and its answers, for agreement and exports (readers only: the routes allow no one else). */
  async answersOf(id: string, caller: Caller): Promise<{ queue: Queue; answers: QueueAnswer[] }> {
    const queue = await this.visible(id, caller);
    return { queue, answers: await this.#queues.answers(queue.id) };
  }

  /**
   * A queue as a campaign export reads it: every answer behind every line, so only for callers who
   * read everyone's answers (a blind queue's stay with admins and viewers; the export routes allow no
   * one else anyway).
   */
  async campaign(id: string, caller: Caller): Promise<CampaignRecords> {
    const queue = await this.visible(id, caller);
    if (!readsAll(queue, caller))
      throw new HttpError(
        403,
        'queue_forbidden',
        `Queue "${id}" is blind: its export shows every annotator's answers, so only admins and viewers may run it.`,
      );
    return campaignRecords(this.#queues, queue.id);
  }

  /** Every answer, for readers (admins and viewers: the routes allow no one else). */
  async answers(id: string, caller: Caller): Promise<QueueAnswer[]> {
    const queue = await this.visible(id, caller);
    return this.#queues.answers(queue.id);
  }

  /** Items whose answers disagree, for an adjudicator (admins only: the route allows no one else). */
  async disagreements(id: string, threshold: number, caller: Caller): Promise<QueueDisagreements> {
    return queueDisagreements(this.#queues, await this.visible(id, caller), threshold);
  }

  /** Sets an item's final answer (admins only: the route allows no one else). */
  async adjudicate(
    id: string,
    itemId: string,
    input: QueueAdjudicationInput,
    caller: Caller,
  ): Promise<QueueAdjudicated> {
    const queue = await this.visible(id, caller);
    return adjudicateItem(this.#queues, queue, itemId, input, caller.name, this.#clock());
  }

  /** Every final answer of the queue (readers: admins and viewers). */
  async adjudications(id: string, caller: Caller): Promise<QueueAdjudication[]> {
    const queue = await this.visible(id, caller);
    return this.#queues.adjudications(queue.id);
  }

  async #record(
    queue: Queue,
    fields: Omit<QueueAnswer, 'queueId' | 'itemId' | 'annotator' | 'answeredAt' | 'leasedAt'>,
    itemId: string,
    caller: Caller,
  ): Promise<QueueAnswer> {
    const now = this.#clock();
    const result = await this.#queues.record(
      queue,
      { queueId: queue.id, itemId, annotator: caller.name, answeredAt: now.toISOString(), ...fields },
      now,
    );
    if (result.ok) return result.answer;
    const refusal = REFUSALS[result.reason];
    throw new HttpError(refusal.status, refusal.code, refusal.message);
  }

  async #view(queue: Queue, item: QueueItem, caller: Caller, lease: QueueLease | null): Promise<QueueItemView> {
    const all = await this.#queues.answers(queue.id, item.id);
    const answers = readsAll(queue, caller) ? all : all.filter((answer) => answer.annotator === caller.name);
    const shownOrder = item.responses === null ? null : shownOrderFor(queue.seed, item.id, caller.name);
    const shown =
      item.responses === null || shownOrder === null
        ? null
        : shownOrder.map((index, at) => ({
            side: at === 0 ? ('A' as const) : ('B' as const),
            text: item.responses?.[index]?.text ?? '',
            model: item.responses?.[index]?.model ?? null,
          }));
    return { item, shown, shownOrder, lease, answers };
  }
}

/** Whether the caller may work the queue: named in it, or holding one of its roles (the pairing token's owner always). */
export function mayWork(queue: Queue, caller: Caller): boolean {
  return caller.personal || queue.assignees.names.includes(caller.name) || queue.assignees.roles.includes(caller.role);
}

/** Admins and viewers see every queue; an annotator, the queues they may work. */
export function maySee(queue: Queue, caller: Caller): boolean {
  return caller.role === 'admin' || caller.role === 'viewer' || mayWork(queue, caller);
}

/** Whether the caller reads everyone's answers: admins and viewers always; annotators only in an open queue. */
export function readsAll(queue: Queue, caller: Caller): boolean {
  return caller.role === 'admin' || caller.role === 'viewer' || caller.personal || !queue.blind;
}

/** An API item without a key is named by its content: the same content sent twice is one item. */
function contentKey(input: QueueItemInput): string {
  const text = canonicalJson({ messages: input.messages, response: input.response, responses: input.responses });
  return `content-${hashId(text)}${hashId(text, 1)}`;
}
