import { randomUUID } from 'node:crypto';
import {
  ANNOTATION_SCHEMA_VERSION,
  type Annotation,
  API,
  API_SITE,
  annotationSchema,
  DEFAULT_FEEDBACK_SOURCE,
  type FeedbackRequest,
  type FeedbackResult,
  type LogRequest,
  type LogResponse,
  routePath,
  toApiIssues,
  traceKey,
  valueToRating,
} from '../../../shared/index.ts';
import type { FeedbackStore } from '../storage/feedback-store.ts';
import { HttpError } from '../support/http-error.ts';

export interface FeedbackServiceDeps {
  store: FeedbackStore;
  clock?: () => Date;
}

/** Parses a built annotation; a limit it breaks (too many metadata keys, say) is the caller's 400. */
function checked(annotation: Annotation): Annotation {
  const result = annotationSchema.safeParse(annotation);
  if (!result.success) {
    throw new HttpError(400, 'invalid_request', 'The feedback would make an invalid annotation; see issues.', [
      ...toApiIssues(result.error),
    ]);
  }
  return result.data;
}

/** The parts of an annotation that feedback sets: equal means a replay, nothing to write. */
function rating(annotation: Annotation) {
  return JSON.stringify([annotation.thumb, annotation.score, annotation.comment, annotation.metadata]);
}

/**
 * Logged LLM calls and feedback on them (docs/feedback.md). A log is an annotation of site `api` by
 * the annotator `api`; feedback from a source is that source's annotation of the same trace (the log
 * itself for the default source), created on first feedback and updated, with a new revision, after.
 */
export class FeedbackService {
  readonly #store: FeedbackStore;
  readonly #clock: () => Date;

  constructor(deps: FeedbackServiceDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock ?? (() => new Date());
  }

  /** Records a call. The same trace logged again with the same content changes nothing; other content is a 409. */
  log(request: LogRequest, origin: string): Promise<FeedbackResult> {
    const key = traceKey(request.trace_id);
    return this.#store.update<FeedbackResult>(key, [DEFAULT_FEEDBACK_SOURCE], (found) => {
      const existing = found.get(DEFAULT_FEEDBACK_SOURCE);
      if (existing) {
        const same =
          JSON.stringify([existing.context, existing.response, existing.model]) ===
          JSON.stringify([request.messages, request.response, request.model]);
        if (same) return { result: { annotation: existing, created: false } };
        throw new HttpError(
          409,
          'trace_conflict',
          `The trace "${request.trace_id}" is already logged with other messages, response or model; use a new trace_id.`,
        );
      }
      const now = this.#clock().toISOString();
      const annotation = checked({
        schemaVersion: ANNOTATION_SCHEMA_VERSION,
        id: randomUUID(),
        key,
        site: API_SITE,
        url: request.url ?? `${origin}${routePath(API.feedback.getLog, { traceId: request.trace_id })}`,
        conversationId: request.trace_id,
        messageId: request.trace_id,
        model: request.model,
        modelSource: request.model === null ? 'unknown' : 'message',
        context: request.messages,
        response: request.response,
        variant: null,
        thumb: null,
        score: null,
        comment: '',
        tags: [],
        correction: null,
        metadata: { ...request.metadata, trace_id: request.trace_id },
        annotator: DEFAULT_FEEDBACK_SOURCE,
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
        revision: 1,
      });
      return { result: { annotation, created: true }, write: { annotation, receivedAt: now } };
    });
  }

  /**
   * Attaches feedback to a logged trace as the source's annotation of it. Fields given replace what
   * this source said before (null clears value, score or weight); fields left out keep it.
   */
  feedback(request: FeedbackRequest): Promise<FeedbackResult> {
    const key = traceKey(request.trace_id);
    return this.#store.update<FeedbackResult>(key, [DEFAULT_FEEDBACK_SOURCE, request.source], (found) => {
      const log = found.get(DEFAULT_FEEDBACK_SOURCE);
      if (log === undefined) {
        throw new HttpError(
          404,
          'trace_not_found',
          `No call is logged with trace_id "${request.trace_id}"; log it first with ${API.feedback.log.method} ${API.feedback.log.path}.`,
        );
      }
      const now = this.#clock().toISOString();
      const current = found.get(request.source);
      const base: Annotation = current ?? {
        ...log,
        id: randomUUID(),
        thumb: null,
        score: null,
        comment: '',
        annotator: request.source,
        createdAt: now,
        revision: 0,
      };
      const next: Annotation = { ...base, metadata: { ...base.metadata, ...request.metadata } };
      if (request.value !== undefined) {
        delete next.metadata.feedback_value;
        if (request.value === null) Object.assign(next, { score: null, thumb: null });
        else {
          Object.assign(next, valueToRating(request.value));
          next.metadata.feedback_value = request.value;
        }
      }
      if (request.score !== undefined) {
        // A score speaks for itself: no thumb is inferred from it.
        delete next.metadata.feedback_value;
        Object.assign(next, { score: request.score, thumb: null });
      }
      if (request.weight !== undefined) {
        delete next.metadata.feedback_weight;
        if (request.weight !== null) next.metadata.feedback_weight = request.weight;
      }
      if (request.comment !== undefined) next.comment = request.comment;
      if (current !== undefined && rating(next) === rating(current)) {
        return { result: { annotation: current, created: false } };
      }
      const annotation = checked({ ...next, revision: base.revision + 1, updatedAt: now });
      return { result: { annotation, created: current === undefined }, write: { annotation, receivedAt: now } };
    });
  }

  /** The logged call and every source's feedback on it; undefined if the trace is not logged. */
  async get(traceId: string): Promise<LogResponse | undefined> {
    const all = await this.#store.findAll(traceKey(traceId));
    const log = all.find((annotation) => annotation.annotator === DEFAULT_FEEDBACK_SOURCE);
    if (log === undefined) return undefined;
    return { log, feedback: all.filter((annotation) => annotation !== log) };
  }
}
