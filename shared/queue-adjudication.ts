import { z } from 'zod';
import { thumbSchema } from './annotation.ts';
import { isoDateTimeSchema } from './fields.ts';
import { LIMITS } from './limits.ts';
import {
  type Queue,
  type QueueAnswer,
  queueAnswerSchema,
  queueIdSchema,
  queueItemIdSchema,
  queueItemSchema,
} from './queue.ts';
import { queueAnswerIssues } from './queue-answer-rules.ts';
import { rubricAnswerSchema, rubricQuestionIdSchema } from './rubric.ts';

/**
 * Adjudication (docs/queues.md): an admin reads the items whose completed answers disagree, every
 * answer side by side with its annotator's name (even in a blind queue: the adjudicator is not an
 * annotator of the item), and records the final answer. The final answer is its own record, one per
 * item, apart from the annotators' answers; deciding again replaces it (the audit log keeps each
 * decision).
 */

/** Default spread (points on 0–100) above which scores, or rubric numbers scaled to 0–100, disagree. */
export const DEFAULT_DISAGREEMENT_THRESHOLD = 20;

const preferredSchema = z.enum(['first', 'second', 'tie'], { error: 'must be "first", "second" or "tie"' });

/**
 * The final answer, as `POST /api/v1/queues/:id/items/:itemId/adjudication` takes it: the queue's
 * questions, checked as an annotator's answer is. A pairwise item's preference names the response in
 * the item's own order (`first`, `second` or `tie`): the adjudicator sees both sides unshuffled.
 */
export const queueAdjudicationInputSchema = z.strictObject({
  thumb: thumbSchema.nullable().default(null),
  score: z.int('must be a whole number').min(0).max(100).nullable().default(null),
  comment: z.string().max(LIMITS.commentChars).default(''),
  correction: z.string().max(LIMITS.textChars).nullable().default(null),
  rubric: z.record(rubricQuestionIdSchema, rubricAnswerSchema).default({}),
  preferred: preferredSchema.nullable().default(null),
});
export type QueueAdjudicationInput = z.output<typeof queueAdjudicationInputSchema>;

/** The final answer of an item, with who decided it and when. */
export const queueAdjudicationSchema = z.strictObject({
  queueId: queueIdSchema,
  itemId: queueItemIdSchema,
  thumb: thumbSchema.nullable(),
  score: z.int().nullable(),
  comment: z.string(),
  correction: z.string().nullable(),
  rubric: z.record(z.string(), rubricAnswerSchema),
  preferred: preferredSchema.nullable(),
  adjudicator: z.string(),
  decidedAt: isoDateTimeSchema,
});
export type QueueAdjudication = z.infer<typeof queueAdjudicationSchema>;

/** Why a final answer does not fit the queue's questions: the annotators' rules, `preferred` for the preference. */
export function queueAdjudicationIssues(
  queue: Pick<Queue, 'kind' | 'questions'>,
  input: QueueAdjudicationInput,
): { path: string; message: string }[] {
  const preference =
    input.preferred === null ? null : input.preferred === 'tie' ? 'tie' : input.preferred === 'first' ? 'A' : 'B';
  return queueAnswerIssues(queue, { ...input, preference }).map((issue) =>
    issue.path === 'preference'
      ? { path: 'preferred', message: issue.message.replace('"A", "B" or "tie"', '"first", "second" or "tie"') }
      : issue,
  );
}

/** One question on which an item's answers disagree, with the values given (in answer order). */
export const questionDisagreementSchema = z.strictObject({
  /** `thumb`, `score`, `preference`, or `rubric.<id>`. */
  question: z.string(),
  level: z.enum(['nominal', 'interval']),
  values: z.array(z.union([z.string(), z.number(), z.boolean()])),
  /** Interval questions: the range scaled to 0–100 points; null for nominal ones. */
  spread: z.number().nullable(),
});
export type QuestionDisagreement = z.infer<typeof questionDisagreementSchema>;

export const disagreementItemSchema = z.strictObject({
  item: queueItemSchema,
  /** Every completed answer, with its annotator's name. */
  answers: z.array(queueAnswerSchema),
  questions: z.array(questionDisagreementSchema),
  adjudication: queueAdjudicationSchema.nullable(),
});
export type DisagreementItem = z.infer<typeof disagreementItemSchema>;

/** `GET /api/v1/queues/:id/disagreements`: items ordered by disagreement (most questions, then widest spread). */
export const queueDisagreementsSchema = z.strictObject({
  queueId: z.string(),
  threshold: z.number(),
  /** Items with two or more completed answers (only those can disagree). */
  compared: z.int(),
  items: z.array(disagreementItemSchema),
});
export type QueueDisagreements = z.infer<typeof queueDisagreementsSchema>;

export const queueDisagreementsQuerySchema = z.strictObject({
  threshold: z
    .string()
    .regex(/^\d{1,3}(\.\d+)?$/, 'must be a number of points from 0 to 100')
    .transform(Number)
    .pipe(z.number().min(0, 'must be 0 or more').max(100, 'must be 100 or less'))
    .default(DEFAULT_DISAGREEMENT_THRESHOLD),
});

export const queueAdjudicatedSchema = z.strictObject({
  adjudication: queueAdjudicationSchema,
  /** The decision this one replaced, if the item had one. */
  replaced: queueAdjudicationSchema.nullable(),
});
export type QueueAdjudicated = z.infer<typeof queueAdjudicatedSchema>;

export const queueAdjudicationsSchema = z.strictObject({ adjudications: z.array(queueAdjudicationSchema) });

type Value = string | number | boolean;

/**
 * The questions on which one item's completed answers disagree. Nominal questions (thumb, the
 * pairwise preference over the item's own order, yes-no and choice rubric questions) disagree when
 * the values given are not all equal; interval ones (the 0–100 score, rubric numbers scaled to 0–100
 * by their min and max) when their range exceeds `threshold` points. A question fewer than two
 * annotators answered cannot disagree; free text (comment, correction, text questions) is not compared.
 */
export function itemDisagreements(
  queue: Pick<Queue, 'questions'>,
  answers: readonly QueueAnswer[],
  threshold: number,
): QuestionDisagreement[] {
  const done = answers.filter((answer) => answer.status === 'done');
  const found: QuestionDisagreement[] = [];
  const nominal = (question: string, values: (Value | null | undefined)[]) => {
    const given = values.filter((value): value is Value => value !== null && value !== undefined);
    if (given.length >= 2 && new Set(given).size > 1)
      found.push({ question, level: 'nominal', values: given, spread: null });
  };
  const interval = (question: string, values: (Value | null | undefined)[], min: number, max: number) => {
    const given = values.filter((value): value is number => typeof value === 'number');
    if (given.length < 2) return;
    const spread = ((Math.max(...given) - Math.min(...given)) / (max - min)) * 100;
    if (spread > threshold) found.push({ question, level: 'interval', values: given, spread: round(spread) });
  };
  nominal(
    'thumb',
    done.map((answer) => answer.thumb),
  );
  interval(
    'score',
    done.map((answer) => answer.score),
    0,
    100,
  );
  nominal(
    'preference',
    done.map((answer) => answer.preferred),
  );
  for (const question of queue.questions.rubric) {
    const values = done.map((answer) => answer.rubric[question.id]);
    if (question.kind === 'number') interval(`rubric.${question.id}`, values, question.min, question.max);
    else if (question.kind !== 'text') nominal(`rubric.${question.id}`, values);
  }
  return found;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** Orders disagreeing items: more questions in dispute first, then the widest spread, then queue position. */
export function byDisagreement(a: DisagreementItem, b: DisagreementItem): number {
  const widest = (entry: DisagreementItem) => Math.max(0, ...entry.questions.map((q) => q.spread ?? 0));
  return b.questions.length - a.questions.length || widest(b) - widest(a) || a.item.position - b.item.position;
}
