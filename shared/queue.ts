import { z } from 'zod';
import { userRoleSchema } from './account.ts';
import { contextSchema, metadataSchema, thumbSchema } from './annotation.ts';
import { hashId } from './export/hash.ts';
import { EXPORT_SOURCES } from './export/sources.ts';
import { exportOptionsSchema, toEpoch } from './export-options.ts';
import { annotatorSchema, isoDateTimeSchema } from './fields.ts';
import { LIMITS } from './limits.ts';
import { queueIdSchema } from './queue-id.ts';
import { RUBRIC_LIMITS, rubricAnswerSchema, rubricQuestionIdSchema, rubricQuestionSchema } from './rubric.ts';

/**
 * Annotation campaigns (docs/queues.md): an admin fills a queue with items (responses, or pairs of
 * responses, to judge), says which questions to ask and how many people answer each item (overlap
 * N); annotators lease items one at a time and answer or skip them. Answers are queue records, kept
 * apart from the annotations people make on chat pages.
 */
export const QUEUE_LIMITS = {
  nameChars: 200,
  descriptionChars: 20_000,
  maxOverlap: 50,
  assignees: 200,
  minLeaseSeconds: 10,
  maxLeaseSeconds: 7 * 24 * 60 * 60,
  defaultLeaseSeconds: 15 * 60,
  /** Items one `POST …/items` may carry. */
  itemsPerRequest: 1_000,
  /** Items one queue may hold. */
  items: 200_000,
  keyChars: 200,
  listLimit: 500,
} as const;

export { queueIdSchema };

/** Item ids are derived from their key (`queueItemIdFor`), so a client can recompute them. */
export const queueItemIdSchema = z.string().regex(/^qi-[0-9a-f]{28}$/, 'must be a queue item id (qi-…)');

/** Whether a built-in question is asked: not at all, optionally, or required to save an answer. */
export const questionModeSchema = z.enum(['off', 'optional', 'required'], {
  error: 'must be "off", "optional" or "required"',
});
export type QuestionMode = z.infer<typeof questionModeSchema>;

/**
 * What each annotator answers per item. `thumb`, `score` (0–100), `comment` and `correction` are the
 * extension's own questions; `rubric` adds questions with the rubric schema (yes-no, choice, number,
 * text). A pairwise queue always asks for a preference (A, B or tie) and takes no thumb, score or
 * correction (they would not say which response they judge).
 */
export const queueQuestionsSchema = z
  .strictObject({
    thumb: questionModeSchema.optional(),
    score: questionModeSchema.default('off'),
    comment: questionModeSchema.default('optional'),
    correction: questionModeSchema.default('off'),
    rubric: z.array(rubricQuestionSchema).max(RUBRIC_LIMITS.questions).default([]),
  })
  .refine((q) => new Set(q.rubric.map((question) => question.id)).size === q.rubric.length, {
    message: 'two rubric questions have the same id',
    path: ['rubric'],
  });

export const queueKindSchema = z.enum(['single', 'pairwise'], { error: 'must be "single" or "pairwise"' });
export type QueueKind = z.infer<typeof queueKindSchema>;

/** Who may work a queue: these users by name, and anyone with one of these roles. */
export const queueAssigneesSchema = z.strictObject({
  names: z.array(annotatorSchema).max(QUEUE_LIMITS.assignees).default([]),
  roles: z.array(userRoleSchema).default(['admin', 'annotator']),
});

const settingsShape = {
  name: z.string().trim().min(1, 'give the queue a name').max(QUEUE_LIMITS.nameChars),
  description: z.string().max(QUEUE_LIMITS.descriptionChars).default(''),
  kind: queueKindSchema.default('single'),
  questions: queueQuestionsSchema.default({
    score: 'off',
    comment: 'optional',
    correction: 'off',
    rubric: [],
  }),
  /** How many annotators answer each item (completed answers; skips do not count). */
  overlap: z
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(QUEUE_LIMITS.maxOverlap, `at most ${QUEUE_LIMITS.maxOverlap}`)
    .default(1),
  assignees: queueAssigneesSchema.default({ names: [], roles: ['admin', 'annotator'] }),
  /** Blind: an annotator never sees another's answers to an item. */
  blind: z.boolean().default(true),
  order: z.enum(['oldest', 'random'], { error: 'must be "oldest" or "random"' }).default('oldest'),
  /** Seeds the random order and each annotator's shuffle of pairwise sides. */
  seed: z
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
  /** How long a served item stays reserved for its annotator; then it returns to the queue. */
  leaseSeconds: z
    .int('must be a whole number of seconds')
    .min(QUEUE_LIMITS.minLeaseSeconds, `at least ${QUEUE_LIMITS.minLeaseSeconds} seconds`)
    .max(QUEUE_LIMITS.maxLeaseSeconds, `at most ${QUEUE_LIMITS.maxLeaseSeconds} seconds (7 days)`)
    .default(QUEUE_LIMITS.defaultLeaseSeconds),
};

/** A pairwise queue asks no thumb unless told; a single queue asks one (required) unless told. */
function withThumbDefault<T extends { kind: QueueKind; questions: { thumb?: QuestionMode | undefined } }>(
  settings: T,
): T & { questions: { thumb: QuestionMode } } {
  const thumb = settings.questions.thumb ?? (settings.kind === 'pairwise' ? 'off' : 'required');
  return { ...settings, questions: { ...settings.questions, thumb } };
}

type SettingsCheck = {
  kind: QueueKind;
  questions: { thumb?: QuestionMode | undefined; score: QuestionMode; correction: QuestionMode };
};
const pairwiseAsksPreferenceOnly = (s: SettingsCheck) =>
  s.kind === 'single' ||
  ((s.questions.thumb ?? 'off') === 'off' && s.questions.score === 'off' && s.questions.correction === 'off');
const PAIRWISE_MESSAGE = {
  message: 'a pairwise queue asks for a preference (A, B or tie): set thumb, score and correction to "off"',
  path: ['questions'],
};

const filters = exportOptionsSchema.shape;

/**
 * What to fill a queue with from the store: the export's own filters (`margin export --site …` reads
 * the same), over every source unless `source` narrows it, and at most `limit` responses. Each
 * matching response (annotation key) becomes one item, however many people rated it.
 */
export const queueFilterSchema = z
  .strictObject({
    source: z.preprocess(
      (value) => (value === '' || value === undefined ? [...EXPORT_SOURCES] : value),
      filters.source,
    ),
    site: filters.site,
    model: filters.model,
    annotator: filters.annotator,
    tag: filters.tag,
    excludeTag: filters.excludeTag,
    since: filters.since,
    until: filters.until,
    skipPartial: filters.skipPartial,
    limit: z
      .int('must be a whole number')
      .min(1, 'must be 1 or more')
      .max(QUEUE_LIMITS.items, `at most ${QUEUE_LIMITS.items}`)
      .optional(),
  })
  .refine((o) => o.since === undefined || o.until === undefined || toEpoch(o.since) < toEpoch(o.until), {
    message: 'since must be before until',
    path: ['since'],
  });
export type QueueFilter = z.output<typeof queueFilterSchema>;

/** `POST /api/v1/queues` and `margin queue create`: the settings, an id, and optionally a filter to fill it. */
export const queueCreateSchema = z
  .strictObject({
    id: queueIdSchema,
    ...settingsShape,
    /** Fill the queue with what the store holds that passes these filters (docs/queues.md). */
    filter: queueFilterSchema.optional(),
  })
  .refine(pairwiseAsksPreferenceOnly, PAIRWISE_MESSAGE)
  .transform(withThumbDefault);
export type QueueCreate = z.output<typeof queueCreateSchema>;
export type QueueCreateInput = z.input<typeof queueCreateSchema>;

const storedQuestionsSchema = z.strictObject({
  thumb: questionModeSchema,
  score: questionModeSchema,
  comment: questionModeSchema,
  correction: questionModeSchema,
  rubric: z.array(rubricQuestionSchema),
});
export type QueueQuestions = z.infer<typeof storedQuestionsSchema>;

/** A queue as stored and returned. */
export const queueSchema = z.strictObject({
  id: queueIdSchema,
  name: z.string(),
  description: z.string(),
  kind: queueKindSchema,
  questions: storedQuestionsSchema,
  overlap: z.int(),
  assignees: z.strictObject({ names: z.array(z.string()), roles: z.array(userRoleSchema) }),
  blind: z.boolean(),
  order: z.enum(['oldest', 'random']),
  seed: z.int(),
  leaseSeconds: z.int(),
  createdAt: isoDateTimeSchema,
  createdBy: z.string(),
});
export type Queue = z.infer<typeof queueSchema>;

/** One of the two responses of a pairwise item. */
export const pairResponseSchema = z.strictObject({
  text: z.string().max(LIMITS.textChars),
  model: z.string().max(LIMITS.modelChars).nullable().default(null),
});

/**
 * An item sent to `POST /api/v1/queues/:id/items`, like a review's content: the conversation so far
 * and the response to judge (a single queue), or two responses to the same conversation (pairwise).
 * `key` names it: sending the same key again adds nothing (default: derived from the content).
 */
export const queueItemInputSchema = z
  .strictObject({
    key: z
      .string()
      .min(1)
      .max(QUEUE_LIMITS.keyChars)
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
      .optional(),
    messages: contextSchema.default([]),
    response: z.string().max(LIMITS.textChars).optional(),
    responses: z.tuple([pairResponseSchema, pairResponseSchema]).optional(),
    model: z.string().max(LIMITS.modelChars).nullable().default(null),
    url: z
      .url({ protocol: /^https?$/ })
      .max(LIMITS.urlChars)
      .nullable()
      .default(null),
    metadata: metadataSchema.default({}),
  })
  .refine((item) => (item.response === undefined) !== (item.responses === undefined), {
    message: 'give `response` (one response to judge) or `responses` (two, for a pairwise queue), not both',
    path: ['response'],
  });
export type QueueItemInput = z.output<typeof queueItemInputSchema>;

export const queueItemsRequestSchema = z.strictObject({
  items: z.array(queueItemInputSchema).min(1, 'send at least one item').max(QUEUE_LIMITS.itemsPerRequest),
});

/** Where an item came from: an annotation the filter matched (`key` is its annotation key), or the API. */
export const queueItemOriginSchema = z.enum(['store', 'api']);

/** An item as stored: its content, copied when it was added, so later edits of the source leave the campaign alone. */
export const queueItemSchema = z.strictObject({
  id: queueItemIdSchema,
  queueId: queueIdSchema,
  key: z.string(),
  origin: queueItemOriginSchema,
  /** Insertion order (1, 2, …): "oldest first" serves by it. */
  position: z.int(),
  messages: contextSchema,
  response: z.string().nullable(),
  responses: z.tuple([pairResponseSchema, pairResponseSchema]).nullable(),
  model: z.string().nullable(),
  url: z.string().nullable(),
  metadata: metadataSchema,
  createdAt: isoDateTimeSchema,
});
export type QueueItem = z.infer<typeof queueItemSchema>;

/** The id of a queue's item for a key: derived, so adding the same key twice finds the same item. */
export function queueItemIdFor(queueId: string, key: string): string {
  return `qi-${hashId(`${queueId}\u0000${key}`)}${hashId(`${queueId}\u0000${key}`, 1)}`;
}

/** Pairwise sides as one annotator sees them: `[0, 1]` (the item's first response shown as A) or `[1, 0]`. */
export const shownOrderSchema = z.union([z.tuple([z.literal(0), z.literal(1)]), z.tuple([z.literal(1), z.literal(0)])]);
export type ShownOrder = z.infer<typeof shownOrderSchema>;

/**
 * The sides an annotator sees for an item: shuffled per annotator, but always the same for the same
 * annotator, item and queue seed, so a reload shows the same A and B and position bias can be measured.
 */
export function shownOrderFor(seed: number, itemId: string, annotator: string): ShownOrder {
  return Number.parseInt(hashId(`${seed}\u0000${itemId}\u0000${annotator}`, 7).slice(-1), 16) % 2 === 0
    ? [0, 1]
    : [1, 0];
}

/** `POST /api/v1/queues/:id/items/:itemId/answer`: checked against the queue's questions. */
export const queueAnswerInputSchema = z.strictObject({
  thumb: thumbSchema.nullable().default(null),
  score: z.int('must be a whole number').min(0).max(100).nullable().default(null),
  comment: z.string().max(LIMITS.commentChars).default(''),
  correction: z.string().max(LIMITS.textChars).nullable().default(null),
  rubric: z.record(rubricQuestionIdSchema, rubricAnswerSchema).default({}),
  /** Pairwise: the side preferred as shown to this annotator (A is the first shown), or a tie. */
  preference: z.enum(['A', 'B', 'tie'], { error: 'must be "A", "B" or "tie"' }).nullable().default(null),
});
export type QueueAnswerInput = z.output<typeof queueAnswerInputSchema>;

export const queueSkipInputSchema = z.strictObject({
  reason: z.string().trim().min(1, 'say why the item is skipped').max(LIMITS.commentChars),
});

/** An annotator's answer (or skip) of an item: at most one per annotator and item. */
export const queueAnswerSchema = z.strictObject({
  queueId: queueIdSchema,
  itemId: queueItemIdSchema,
  annotator: z.string(),
  status: z.enum(['done', 'skipped']),
  thumb: thumbSchema.nullable(),
  score: z.int().nullable(),
  comment: z.string(),
  correction: z.string().nullable(),
  rubric: z.record(z.string(), rubricAnswerSchema),
  preference: z.enum(['A', 'B', 'tie']).nullable(),
  /** Pairwise: the order the sides were shown in, and the preferred response as the item holds them. */
  shownOrder: shownOrderSchema.nullable(),
  preferred: z.enum(['first', 'second', 'tie']).nullable(),
  /** Why it was skipped; null for an answer. */
  reason: z.string().nullable(),
  /** When the item was leased to the annotator, if it was; seconds spent is the difference. */
  leasedAt: isoDateTimeSchema.nullable(),
  answeredAt: isoDateTimeSchema,
});
export type QueueAnswer = z.infer<typeof queueAnswerSchema>;

/** An item served to an annotator: reserved for them until `expiresAt`. */
export const queueLeaseSchema = z.strictObject({
  queueId: queueIdSchema,
  itemId: queueItemIdSchema,
  annotator: z.string(),
  leasedAt: isoDateTimeSchema,
  expiresAt: isoDateTimeSchema,
});
export type QueueLease = z.infer<typeof queueLeaseSchema>;

/** The two responses in the order one annotator sees them, labelled A and B. */
export const shownResponsesSchema = z.array(
  z.strictObject({ side: z.enum(['A', 'B']), text: z.string(), model: z.string().nullable() }),
);
