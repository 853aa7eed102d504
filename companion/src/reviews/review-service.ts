import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { canonicalJson } from '../../../shared/canonical-json.ts';
import {
  type ApiIssue,
  formToZod,
  type Review,
  type ReviewCounts,
  type ReviewDecision,
  type ReviewListQuery,
  type ReviewListResponse,
  type ReviewRequest,
  toApiIssues,
} from '../../../shared/index.ts';
import type { Resolution, ReviewStore } from '../storage/review-store.ts';
import { HttpError } from '../support/http-error.ts';
import type { Logger } from '../support/logger.ts';
import { silentLogger } from '../support/logger.ts';
import { reviewAnnotation } from './review-annotation.ts';

/** setTimeout's longest delay (about 24.8 days); a longer expiry is reached in several steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Emitted to every waiter when the companion shuts down, so long polls answer at once. */
const CLOSING = Symbol('closing');

export interface ReviewServiceDeps {
  store: ReviewStore;
  clock?: () => Date;
  logger?: Logger;
}

function prefixIssues(issues: ApiIssue[], prefix: string): ApiIssue[] {
  return issues.map((issue) => ({
    ...issue,
    path: issue.path === '(root)' ? prefix : `${prefix}.${issue.path}`,
  }));
}

/**
 * The review queue's behaviour on top of its store: idempotent creation, decisions checked against
 * the form, cancellation, expiry, and long polls.
 *
 * Each long poll listens on an emitter under its review's id and is woken by the decision,
 * cancellation or expiry of that review (or its own timeout, or the client going away, or shutdown),
 * made here or, through the store's announcements (LISTEN/NOTIFY on PostgreSQL), by another companion
 * process on the same database. One timer, set for the earliest pending expiry, expires reviews on time; every read
 * also expires a review whose time has passed, so a late timer (or one lost to a restart) never lets
 * an expired review be decided. Timers are unref'd: they never keep the process alive.
 */
export class ReviewService {
  readonly #store: ReviewStore;
  readonly #clock: () => Date;
  readonly #logger: Logger;
  readonly #events = new EventEmitter();
  #timer: NodeJS.Timeout | undefined;
  #timerAtMs = Number.POSITIVE_INFINITY;
  #waiters = 0;
  #closed = false;
  readonly #unsubscribe: () => void;

  constructor(deps: ReviewServiceDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock ?? (() => new Date());
    this.#logger = deps.logger ?? silentLogger;
    // One listener per waiting request; hundreds at once are expected, not a leak.
    this.#events.setMaxListeners(0);
    // Decisions and expiries made by another companion on the same database wake this one's waiters;
    // a review created there may expire before any here does.
    this.#unsubscribe = this.#store.subscribe((event) => {
      if (event.kind === 'resolved') this.#wake(event.id);
      else this.#schedule().catch((error: unknown) => this.#logger.error('scheduling expiry failed', error));
    });
    // Reviews that expired while the companion was down are expired now; the rest get the timer.
    this.#expireInBackground();
  }

  /**
   * Creates a review, or returns the one its key already names (409 if that one asked for something
   * else). `requester` names who asked when the request names nobody (the token's user on a team
   * server); it is left out of the idempotency hash, which covers what the caller sent.
   */
  async create(sent: ReviewRequest, requester: string | null = null): Promise<{ review: Review; created: boolean }> {
    const now = this.#clock();
    // A request that names nobody hashes as it did before the field existed, so replays of reviews
    // created then still match.
    const { requestedBy: named, ...unnamed } = sent;
    const requestHash = createHash('sha256')
      .update(canonicalJson(named === null ? unnamed : sent))
      .digest('base64url');
    const request: ReviewRequest = { ...sent, requestedBy: sent.requestedBy ?? requester };
    const expiresAt = request.timeout === null ? null : new Date(now.getTime() + request.timeout * 1000).toISOString();
    const result = await this.#store.insert({
      id: randomUUID(),
      request,
      requestHash,
      createdAt: now.toISOString(),
      expiresAt,
    });
    if (!result.created && result.requestHash !== requestHash) {
      throw new HttpError(
        409,
        'idempotency_conflict',
        `The key "${request.key}" already names review ${result.review.id}, which asked for something else. ` +
          'Send the same request to get that review back, or use a new key.',
      );
    }
    if (result.created && expiresAt !== null) await this.#schedule();
    return {
      review: result.created ? result.review : ((await this.get(result.review.id)) as Review),
      created: result.created,
    };
  }

  /** The review, expired first if its time has passed; undefined if there is no such review. */
  async get(id: string): Promise<Review | undefined> {
    const review = await this.#store.get(id);
    if (review?.status === 'pending' && review.expiresAt !== null && Date.parse(review.expiresAt) <= this.#nowMs()) {
      await this.#expireDue();
      return this.#store.get(id);
    }
    return review;
  }

  /**
   * Resolves with the review once it is no longer pending, or after `ms`, or when `signal` aborts (the
   * client went away) or the service closes, whichever comes first.
   */
  async wait(id: string, ms: number, signal?: AbortSignal): Promise<Review | undefined> {
    if (ms <= 0 || this.#closed || signal?.aborted) return this.get(id);
    return new Promise((resolve) => {
      this.#waiters += 1;
      let done = false;
      const finish = (resolved?: Review) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.#events.off(id, finish);
        this.#events.off(CLOSING, onClosing);
        signal?.removeEventListener('abort', onClosing);
        this.#waiters -= 1;
        // A promise (the review read again) settles this one with its outcome, failure included.
        resolve(resolved ?? this.get(id));
      };
      const onClosing = () => finish();
      const timer = setTimeout(onClosing, ms);
      timer.unref();
      this.#events.on(id, finish);
      this.#events.on(CLOSING, onClosing);
      signal?.addEventListener('abort', onClosing, { once: true });
      // Listening first, reading second: a decision that lands in between still wakes this wait.
      this.get(id).then(
        (review) => {
          if (review === undefined || review.status !== 'pending') finish(review);
        },
        () => finish(),
      );
    });
  }

  /** Approves or rejects a pending review; the answers are checked against its form first. */
  async decide(id: string, decision: ReviewDecision, origin: string): Promise<Review> {
    const review = await this.#pending(id);
    const approved = decision.decision === 'approve';
    // Approving needs every required answer; rejecting may carry some answers, or none.
    const schema = formToZod(review.form, { partial: !approved });
    const parsed = schema.safeParse(decision.input ?? {});
    if (!parsed.success) {
      throw new HttpError(
        400,
        'invalid_input',
        `The answers do not fit the form; the review is still pending. ${approved ? 'Fix them and approve again.' : ''}`.trim(),
        prefixIssues(toApiIssues(parsed.error), 'input'),
      );
    }
    const input = approved || decision.input !== undefined ? parsed.data : null;
    const at = this.#clock().toISOString();
    const annotation = reviewAnnotation(review, {
      approved,
      reviewer: decision.reviewer,
      comment: decision.comment,
      input,
      at,
      origin,
    });
    return this.#resolve(id, {
      status: approved ? 'approved' : 'rejected',
      resolvedAt: at,
      reviewer: decision.reviewer,
      input,
      comment: decision.comment,
      annotation,
    });
  }

  /** The asking side gives up: a pending review is cancelled (no annotation is written). */
  async cancel(id: string, reason: string): Promise<Review> {
    await this.#pending(id);
    return this.#resolve(id, {
      status: 'cancelled',
      resolvedAt: this.#clock().toISOString(),
      reviewer: null,
      input: null,
      comment: reason === '' ? null : reason,
      annotation: null,
    });
  }

  async list(query: ReviewListQuery): Promise<ReviewListResponse> {
    await this.#expireDue();
    return this.#store.list(query.status, query.limit, query.offset);
  }

  async counts(): Promise<ReviewCounts> {
    await this.#expireDue();
    return { ...(await this.#store.counts()), waiters: this.#waiters };
  }

  /** Long polls in progress. */
  get waiters(): number {
    return this.#waiters;
  }

  /** Stops the expiry timer and answers every long poll with the review as it is (for shutdown). */
  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#events.emit(CLOSING);
  }

  /** Answers the waiters of a review resolved elsewhere (or here: a waiter is only answered once). */
  #wake(id: string): void {
    if (this.#closed || this.#events.listenerCount(id) === 0) return;
    this.#store.get(id).then(
      (review) => {
        if (review !== undefined && review.status !== 'pending') this.#events.emit(id, review);
      },
      (error: unknown) => this.#logger.error('reading a resolved review failed', error),
    );
  }

  #nowMs(): number {
    return this.#clock().getTime();
  }

  async #pending(id: string): Promise<Review> {
    const review = await this.get(id);
    if (review === undefined) throw new HttpError(404, 'review_not_found', `There is no review ${id}.`);
    if (review.status !== 'pending') {
      throw new HttpError(
        409,
        'review_resolved',
        `This review is already ${review.status}${review.resolvedAt ? ` (since ${review.resolvedAt})` : ''}; nothing was changed.`,
      );
    }
    return review;
  }

  async #resolve(id: string, resolution: Resolution): Promise<Review> {
    if (!(await this.#store.resolve(id, resolution))) {
      // Someone else (the expiry timer, another request) resolved it between the read and the write.
      const current = await this.get(id);
      throw new HttpError(409, 'review_resolved', `This review is already ${current?.status ?? 'resolved'}.`);
    }
    const review = (await this.#store.get(id)) as Review;
    this.#events.emit(id, review);
    return review;
  }

  /** Expires every pending review whose time has come, wakes its waiters, and sets the timer for the next. */
  async #expireDue(): Promise<void> {
    if (this.#closed) return;
    for (const due of await this.#store.dueForExpiry(this.#nowMs())) {
      const resolution: Resolution = {
        status: 'expired',
        // The moment it expired, not the moment someone noticed.
        resolvedAt: due.expiresAt,
        reviewer: null,
        input: null,
        comment: null,
        annotation: null,
      };
      if (await this.#store.resolve(due.id, resolution)) this.#events.emit(due.id, await this.#store.get(due.id));
    }
    await this.#schedule(true);
  }

  /** `#expireDue` from a timer or the constructor, where nobody awaits it: a failure is logged. */
  #expireInBackground(): void {
    this.#expireDue().catch((error: unknown) => {
      // The database may be closing; the next read expires lazily anyway.
      if (!this.#closed) this.#logger.error('expiring reviews failed', error);
    });
  }

  /** Sets the one expiry timer for the earliest pending expiry (only if that is sooner, unless `reset`). */
  async #schedule(reset = false): Promise<void> {
    if (this.#closed) return;
    const next = await this.#store.nextExpiryMs();
    if (this.#closed) return;
    if (next === null) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerAtMs = Number.POSITIVE_INFINITY;
      return;
    }
    if (!reset && this.#timer !== undefined && next >= this.#timerAtMs) return;
    clearTimeout(this.#timer);
    this.#timerAtMs = next;
    const delay = Math.min(Math.max(0, next - this.#nowMs()), MAX_TIMER_MS);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#expireInBackground();
    }, delay);
    this.#timer.unref();
  }
}
