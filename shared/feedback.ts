import { z } from 'zod';
import { annotationSchema, contextSchema, metadataSchema, type Thumb } from './annotation.ts';
import { annotatorSchema } from './fields.ts';
import { LIMITS } from './limits.ts';
import { refuseProtoKey } from './review-form.ts';

/**
 * Logged LLM calls and the feedback attached to them (docs/feedback.md). A call is logged once by its
 * `trace_id` and becomes an annotation of site `api`; feedback names the trace and is recorded as that
 * trace's annotation by its `source`, so the same trace and source update one annotation instead of
 * piling up duplicates. Field names follow the feedback APIs people already call (`trace_id`, `value`,
 * `weight`, `metadata`), so a Portkey-style feedback body works as it is. The routes are in
 * shared/api/feedback.ts.
 */
/** Site of logged calls and their feedback. */
export const API_SITE = 'api';
/** The source (annotator) of a log, and of feedback that names none. */
export const DEFAULT_FEEDBACK_SOURCE = 'api';

export const traceIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.idChars)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (a UUID, or "chat-id:message-id")');

const requestMetadataSchema = refuseProtoKey(metadataSchema);

/** `POST /api/v1/logs`: one LLM call. */
export const logRequestSchema = z.strictObject({
  trace_id: traceIdSchema,
  /** The messages sent to the model (system, user, earlier assistant and tool turns). */
  messages: contextSchema,
  /** What the model answered. */
  response: z.string().max(LIMITS.textChars),
  model: z.string().max(LIMITS.modelChars).nullable().default(null),
  /** chain_id, user_id, anything else worth filtering by later (JSON scalars). */
  metadata: requestMetadataSchema.default({}),
  /** Where the call happened, if it has a page; otherwise the log's own companion URL is kept. */
  url: z
    .url({ protocol: /^https?$/ })
    .max(LIMITS.urlChars)
    .nullable()
    .default(null),
});
export type LogRequest = z.infer<typeof logRequestSchema>;
export type LogRequestInput = z.input<typeof logRequestSchema>;

/**
 * `POST /api/v1/feedback`. Give `value` (−10…10, the common feedback-API scale) or `score` (0…100,
 * Margin's own), not both. Fields left out keep what earlier feedback from the same source set; null
 * clears value/score/weight.
 */
export const feedbackRequestSchema = z
  .strictObject({
    trace_id: traceIdSchema,
    value: z.int('value must be a whole number from -10 to 10').min(-10).max(10).nullable().optional(),
    score: z.int('score must be a whole number from 0 to 100').min(0).max(100).nullable().optional(),
    /** How much this feedback counts (0…1); kept in metadata as `feedback_weight`. */
    weight: z.number().min(0).max(1).nullable().optional(),
    comment: z.string().max(LIMITS.commentChars).optional(),
    metadata: requestMetadataSchema.optional(),
    /** Who or what gave the feedback: a person, an app, an evaluator. One annotation per trace and source. */
    source: annotatorSchema.default(DEFAULT_FEEDBACK_SOURCE),
  })
  .refine((feedback) => feedback.value === undefined || feedback.score === undefined, {
    message: 'give value (-10..10) or score (0..100), not both',
    path: ['score'],
  });
export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;
export type FeedbackRequestInput = z.input<typeof feedbackRequestSchema>;

/** A log or feedback write: the annotation as stored, and whether this request created it. */
export const feedbackResultSchema = z.strictObject({
  annotation: annotationSchema,
  created: z.boolean(),
});
export type FeedbackResult = z.infer<typeof feedbackResultSchema>;

/** `GET /api/v1/logs/:traceId`: the logged call and the feedback every source gave it. */
export const logResponseSchema = z.strictObject({
  log: annotationSchema,
  feedback: z.array(annotationSchema),
});
export type LogResponse = z.infer<typeof logResponseSchema>;

/**
 * How a `value` (−10…10) becomes Margin's rating: the score is the same position on 0…100
 * (`(value + 10) × 5`: −10 → 0, 0 → 50, +10 → 100), and the sign is the thumb (+ up, − down, 0 none).
 * So a 👍 sent as +1 (the Open WebUI → Portkey convention) is a thumbs-up with score 55, which the
 * exports treat as an approval, and −1 a thumbs-down with 45.
 */
export function valueToRating(value: number): { score: number; thumb: Thumb | null } {
  return { score: Math.round((value + 10) * 5), thumb: value > 0 ? 'up' : value < 0 ? 'down' : null };
}

/** The key of a logged call's annotations (one per source). */
export function traceKey(traceId: string): string {
  return `${API_SITE}:${traceId}:${traceId}`;
}
