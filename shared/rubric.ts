import { z } from 'zod';
import { RUBRIC_LIMITS } from './rubric-rules.ts';

/**
 * Rubrics: extra questions a person defines once (extension options) and answers per response, in
 * the comment panel. A rubric is versioned: every change to its questions gives a new version, and
 * each annotation stores the version its answers were given under, so answers are never read against
 * questions they were not asked with.
 */

export { RUBRIC_LIMITS, rubricAnswerIssues, rubricQuestionId } from './rubric-rules.ts';

/** A question's id: a short slug, derived from its label, that answers are keyed by in exports. */
export const rubricQuestionIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'must be a lowercase slug such as "hallucination"');

const questionBase = {
  id: rubricQuestionIdSchema,
  label: z.string().trim().min(1, 'a question needs a label').max(RUBRIC_LIMITS.labelChars),
  required: z.boolean(),
};

export const rubricQuestionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...questionBase, kind: z.literal('yes-no') }),
  z.strictObject({
    ...questionBase,
    kind: z.literal('choice'),
    options: z
      .array(z.string().trim().min(1, 'an option cannot be empty').max(RUBRIC_LIMITS.optionChars))
      .min(2, 'a choice needs at least two options')
      .max(RUBRIC_LIMITS.options)
      .refine((options) => new Set(options).size === options.length, { message: 'options must differ' }),
  }),
  z
    .strictObject({ ...questionBase, kind: z.literal('number'), min: z.number().finite(), max: z.number().finite() })
    .refine((question) => question.min < question.max, { message: 'min must be below max', path: ['max'] }),
  z.strictObject({ ...questionBase, kind: z.literal('text') }),
]);
export type RubricQuestion = z.infer<typeof rubricQuestionSchema>;
export type RubricQuestionKind = RubricQuestion['kind'];

/** The questions in force; version 0 with no questions means "no rubric". */
export const rubricSchema = z
  .strictObject({
    version: z.int().min(0),
    questions: z.array(rubricQuestionSchema).max(RUBRIC_LIMITS.questions),
  })
  .refine((rubric) => new Set(rubric.questions.map((question) => question.id)).size === rubric.questions.length, {
    message: 'two questions have the same id',
    path: ['questions'],
  });
export type Rubric = z.infer<typeof rubricSchema>;

export const rubricAnswerSchema = z.union([
  z.boolean(),
  z.number().finite(),
  z.string().max(RUBRIC_LIMITS.textAnswerChars),
]);
export type RubricAnswer = z.infer<typeof rubricAnswerSchema>;

/** What an annotation stores: the rubric version and the answers given, by question id (unanswered: absent). */
export const rubricAnswersSchema = z.strictObject({
  version: z.int().min(1),
  answers: z
    .record(rubricQuestionIdSchema, rubricAnswerSchema)
    .refine((answers) => Object.keys(answers).length <= RUBRIC_LIMITS.questions, {
      message: `at most ${RUBRIC_LIMITS.questions} answers`,
    }),
});
export type RubricAnswers = z.infer<typeof rubricAnswersSchema>;
