import type { RubricQuestion } from './rubric.ts';

/**
 * Rubric rules with no zod in them, so the content script can check a form before it sends anything
 * without carrying zod; the background checks the same rules again, with the schemas in rubric.ts.
 */
export const RUBRIC_LIMITS = {
  questions: 20,
  labelChars: 200,
  options: 20,
  optionChars: 100,
  textAnswerChars: 2_000,
} as const;

/**
 * Why `answers` do not fit `questions`, one message per question, worded for the person answering:
 * a required question left unanswered, a value of the wrong kind, a number out of range, a choice not
 * offered, an answer to a question the rubric does not have. Empty when they fit.
 */
export function rubricAnswerIssues(
  questions: readonly RubricQuestion[],
  answers: Readonly<Record<string, unknown>>,
): { id: string; message: string }[] {
  const issues: { id: string; message: string }[] = [];
  const known = new Set(questions.map((question) => question.id));
  for (const id of Object.keys(answers)) {
    if (!known.has(id)) issues.push({ id, message: `"${id}" is not a question of this rubric` });
  }
  for (const question of questions) {
    const value = answers[question.id];
    const name = `"${question.label}"`;
    if (value === undefined || value === '') {
      if (question.required) issues.push({ id: question.id, message: `${name} is required: answer it to save` });
      continue;
    }
    switch (question.kind) {
      case 'yes-no':
        if (typeof value !== 'boolean') issues.push({ id: question.id, message: `${name}: answer yes or no` });
        break;
      case 'choice':
        if (typeof value !== 'string' || !question.options.includes(value)) {
          issues.push({ id: question.id, message: `${name}: pick one of ${question.options.join(', ')}` });
        }
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < question.min || value > question.max) {
          issues.push({
            id: question.id,
            message: `${name}: give a number from ${question.min} to ${question.max}`,
          });
        }
        break;
      case 'text':
        if (typeof value !== 'string' || value.length > RUBRIC_LIMITS.textAnswerChars) {
          issues.push({ id: question.id, message: `${name}: at most ${RUBRIC_LIMITS.textAnswerChars} characters` });
        }
        break;
    }
  }
  return issues;
}

/** A question id from its label: "Hallucination?" → "hallucination"; made unique against `taken`. */
export function rubricQuestionId(label: string, taken: ReadonlySet<string>): string {
  const base =
    label
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'question';
  let id = base;
  for (let suffix = 2; taken.has(id); suffix++) id = `${base}-${suffix}`;
  return id;
}
