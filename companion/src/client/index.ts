import { z } from 'zod';
import {
  API,
  type ApiError,
  apiErrorSchema,
  type FeedbackRequestInput,
  type FeedbackResult,
  type JsonRoute,
  type LogRequestInput,
  type LogResponse,
  parseRouteResult,
  REVIEW_LIMITS,
  type Review,
  type ReviewCounts,
  type ReviewCreated,
  type ReviewDecisionInput,
  type ReviewFormInput,
  type ReviewInput,
  type ReviewListResponse,
  type ReviewRequestInput,
  type ReviewStatus,
  type RouteCall,
  type RouteResult,
  routeUrl,
  toApiIssues,
} from '../../../shared/index.ts';
import {
  MarginApiError,
  ReviewCancelledError,
  ReviewExpiredError,
  ReviewInputError,
  ReviewRejectedError,
} from './errors.ts';

export {
  MarginApiError,
  ReviewCancelledError,
  ReviewEndedError,
  ReviewExpiredError,
  ReviewInputError,
  ReviewRejectedError,
} from './errors.ts';
export type {
  FeedbackRequestInput,
  FeedbackResult,
  LogRequestInput,
  LogResponse,
  Review,
  ReviewCounts,
  ReviewFormInput,
  ReviewInput,
  ReviewRequestInput,
};

/**
 * A typed client for the companion's review queue and feedback API. It runs anywhere `fetch` does
 * (Node 18+, browsers, Deno, Bun) and depends on nothing but zod.
 *
 * ```ts
 * const margin = createMarginClient({ url: 'http://127.0.0.1:8787', token });
 * const person = await margin.requestReview({
 *   title: 'Approve the new customer',
 *   output: draft,
 *   form: z.object({ title: z.enum(['Dr', 'Ms', 'Mr']), first_name: z.string().min(1) }),
 *   key: `onboarding-${runId}`,
 * }); // typed { title: 'Dr' | 'Ms' | 'Mr'; first_name: string }, or a ReviewRejectedError…
 * ```
 */
export interface MarginClientOptions {
  /** The companion, e.g. `http://127.0.0.1:8787` (what `margin serve` prints). */
  url: string;
  /** The pairing token (`margin token`). */
  token: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * How long waiting on a review keeps retrying while the companion cannot be reached (it is
   * restarting, say) before giving up. Default 5 minutes. Pending reviews survive a restart.
   */
  retryForMs?: number;
}

export interface WaitOptions {
  /** Seconds each long poll waits (at most 60; default 30). */
  pollSeconds?: number;
  /** Stops waiting (the review stays pending; cancel it if nobody should answer). */
  signal?: AbortSignal;
}

/** A zod object schema whose answers are the form's fields. */
type FormSchema = z.ZodType<Record<string, unknown>>;

export type RequestReviewOptions<Form> = Omit<ReviewRequestInput, 'form'> &
  WaitOptions & {
    /** A zod object schema (sent as JSON Schema, and used to type and check the answers), or a JSON Schema. */
    form?: Form;
  };

function isZodSchema(value: unknown): value is FormSchema {
  return typeof value === 'object' && value !== null && '_zod' in value && 'safeParse' in value;
}

/**
 * The JSON Schema a zod form is sent as. `io: 'input'` so fields with a default are optional (the
 * companion fills the default in, as zod would).
 */
export function formFromZod(schema: z.ZodType): ReviewFormInput {
  try {
    return z.toJSONSchema(schema, { io: 'input' }) as unknown as ReviewFormInput;
  } catch (error) {
    throw new TypeError(
      `This zod schema cannot be a review form (${(error as Error).message}); use strings, numbers, booleans and enums.`,
    );
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** Worth trying again: the companion is down or restarting, or asked us to slow down. */
function isTransient(error: unknown): boolean {
  if (error instanceof MarginApiError) return error.status === 429 || error.status >= 500;
  return error instanceof TypeError; // fetch's network failure
}

export class MarginClient {
  readonly #url: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #retryForMs: number;

  constructor(options: MarginClientOptions) {
    this.#url = options.url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#retryForMs = options.retryForMs ?? 5 * 60_000;
  }

  /** Creates a review, or gets back the one its `key` already names. */
  async createReview(request: ReviewRequestInput): Promise<ReviewCreated> {
    return this.#call(API.reviews.create, { body: request });
  }

  /** The review now, or (with `wait`) once it is resolved or `wait` seconds have passed. */
  async getReview(id: string, options: { wait?: number; signal?: AbortSignal } = {}): Promise<Review> {
    return this.#call(API.reviews.get, { params: { id }, query: { wait: options.wait || undefined } }, options.signal);
  }

  /**
   * Long-polls until the review is no longer pending and returns it, whatever the outcome. Survives a
   * companion restart: connection failures and 5xx are retried for `retryForMs`.
   */
  async waitForReview(id: string, options: WaitOptions = {}): Promise<Review> {
    const wait = Math.min(options.pollSeconds ?? 30, REVIEW_LIMITS.maxWaitSeconds);
    let failingSince: number | undefined;
    let backoff = 250;
    for (;;) {
      options.signal?.throwIfAborted();
      try {
        const review = await this.getReview(id, { wait, signal: options.signal });
        failingSince = undefined;
        backoff = 250;
        if (review.status !== 'pending') return review;
      } catch (error) {
        if (options.signal?.aborted || !isTransient(error)) throw error;
        failingSince ??= Date.now();
        if (Date.now() - failingSince > this.#retryForMs) throw error;
        await sleep(backoff, options.signal);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  /**
   * Asks a person and waits for the answer: resolves with the answers when the review is approved
   * (typed and checked by `form` when it is a zod schema), and throws `ReviewRejectedError`,
   * `ReviewExpiredError` or `ReviewCancelledError` otherwise.
   */
  requestReview<S extends FormSchema>(options: RequestReviewOptions<S>): Promise<z.output<S>>;
  requestReview(options: RequestReviewOptions<ReviewFormInput | null>): Promise<ReviewInput>;
  async requestReview(options: RequestReviewOptions<FormSchema | ReviewFormInput | null>): Promise<unknown> {
    const { form, pollSeconds, signal, ...request } = options;
    const schema = isZodSchema(form) ? form : undefined;
    const jsonForm = schema ? formFromZod(schema) : ((form as ReviewFormInput | null | undefined) ?? null);
    const { review } = await this.createReview({ ...request, form: jsonForm });
    const resolved =
      review.status === 'pending' ? await this.waitForReview(review.id, { pollSeconds, signal }) : review;
    return this.#outcome(resolved, schema);
  }

  /** What `requestReview` resolves with for a resolved review, or the error it throws. */
  #outcome(review: Review, schema: FormSchema | undefined): unknown {
    const byStatus: Record<Exclude<ReviewStatus, 'approved'>, () => Error> = {
      pending: () => new Error(`Review ${review.id} is still pending`),
      rejected: () => new ReviewRejectedError(review),
      expired: () => new ReviewExpiredError(review),
      cancelled: () => new ReviewCancelledError(review),
    };
    if (review.status !== 'approved') throw byStatus[review.status]();
    const input = review.input ?? {};
    if (schema === undefined) return input;
    const parsed = schema.safeParse(input);
    if (!parsed.success) throw new ReviewInputError(review, toApiIssues(parsed.error));
    return parsed.data;
  }

  /** Approves or rejects (what the dashboard does; useful for tests and scripted reviewers). */
  async decideReview(id: string, decision: ReviewDecisionInput): Promise<Review> {
    return this.#call(API.reviews.decide, { params: { id }, body: decision });
  }

  async cancelReview(id: string, reason = ''): Promise<Review> {
    return this.#call(API.reviews.cancel, { params: { id }, body: { reason } });
  }

  async listReviews(
    query: { status?: ReviewStatus | 'all'; limit?: number; offset?: number } = {},
  ): Promise<ReviewListResponse> {
    return this.#call(API.reviews.list, { query });
  }

  async reviewCounts(): Promise<ReviewCounts> {
    return this.#call(API.reviews.counts, {});
  }

  /** Records an LLM call under its trace id (a no-op if the same call is logged again). */
  async log(request: LogRequestInput): Promise<FeedbackResult> {
    return this.#call(API.feedback.log, { body: request });
  }

  /** Attaches feedback to a logged trace; the same trace and source update one annotation. */
  async feedback(request: FeedbackRequestInput): Promise<FeedbackResult> {
    return this.#call(API.feedback.feedback, { body: request });
  }

  async getLog(traceId: string): Promise<LogResponse> {
    return this.#call(API.feedback.getLog, { params: { traceId } });
  }

  /** Calls a route of the table (shared/api) and parses the answer with its response schema. */
  async #call<C extends JsonRoute>(route: C, call: RouteCall<C>, signal?: AbortSignal): Promise<RouteResult<C>> {
    const path = routeUrl(route, call);
    const { method } = route;
    const body: unknown = call.body;
    const response = await this.#fetch(`${this.#url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.#token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new MarginApiError(
        response.status,
        'invalid_response',
        `The companion answered ${method} ${path} with non-JSON`,
      );
    }
    if (!response.ok) {
      const error = apiErrorSchema.safeParse(json);
      const detail: ApiError['error'] = error.success
        ? error.data.error
        : { code: 'http_error', message: `HTTP ${response.status}` };
      throw new MarginApiError(response.status, detail.code, detail.message, detail.issues);
    }
    const result = parseRouteResult(route, json);
    if (!result.success) throw result.error;
    return result.data;
  }
}

export function createMarginClient(options: MarginClientOptions): MarginClient {
  return new MarginClient(options);
}
