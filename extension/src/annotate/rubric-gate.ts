import type { RubricAnswer, RubricQuestion } from '../../../shared/rubric.ts';
import type { RubricView } from './rubric-form.tsx';

/** The rubric answers an annotation already holds (its `rubric` field), if any. */
export interface SavedRubric {
  version: number;
  answers: Record<string, RubricAnswer>;
}

/**
 * The required questions of the rubric in force that an annotation leaves unanswered. Required means
 * required for the annotation (docs/extension-annotate.md, "Rubrics"): a thumb, a score, tags or a
 * better response are not saved while this is not empty; they wait for the rubric's answers and are
 * saved with them. Answers to an older version of the rubric do not count.
 */
export function missingRequired(rubric: RubricView | null, saved: SavedRubric | null | undefined): RubricQuestion[] {
  if (!rubric) return [];
  const answers = saved && saved.version === rubric.version ? saved.answers : {};
  return rubric.questions.filter(
    (question) => question.required && (answers[question.id] === undefined || answers[question.id] === ''),
  );
}

/** What the person reads when a rating waits for the rubric: which questions, and what to do. */
export function missingMessage(missing: readonly RubricQuestion[]): string {
  const names = missing.map((question) => `"${question.label}"`).join(', ');
  return `Not saved yet: the rubric requires ${names}. Answer, then save.`;
}
