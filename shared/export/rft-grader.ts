/**
 * The grader of an `openai-rft` export (`margin export --format openai-rft --grader FILE`), made from
 * the rubric answers the exported rows carry: a `string_check` when every row's rubric says the
 * answer must be exact, else a `score_model` prompted with the rubric's questions. The file is the
 * `grader` of a fine-tuning job's `method: {type: "reinforcement", reinforcement: {grader}}`.
 */

/** A rubric question whose id says the reference must be matched exactly ("Exact answer?" → `exact-answer`). */
const EXACT_QUESTION = /^exact($|-)/;
/** Text answers with at most this many distinct values read as a choice. */
const CHOICE_VALUES = 8;

export const DEFAULT_GRADER_MODEL = 'gpt-4o-2024-08-06';

interface QuestionSeen {
  booleans: number;
  numbers: { min: number; max: number } | null;
  texts: Set<string>;
}

/** What an export's rows said about their rubrics, gathered row by row. */
export class RubricObservations {
  rows = 0;
  /** Rows whose rubric marks an exact-match question true. */
  exactRows = 0;
  readonly questions = new Map<string, QuestionSeen>();

  /** Reads one `openai-rft` row (a JSON line). */
  observe(line: string): void {
    const row = JSON.parse(line) as { rubric?: Record<string, unknown> };
    this.rows += 1;
    const rubric = row.rubric ?? {};
    if (Object.entries(rubric).some(([id, answer]) => EXACT_QUESTION.test(id) && answer === true)) this.exactRows += 1;
    for (const [id, answer] of Object.entries(rubric)) {
      const seen = this.questions.get(id) ?? { booleans: 0, numbers: null, texts: new Set<string>() };
      if (typeof answer === 'boolean') seen.booleans += 1;
      else if (typeof answer === 'number')
        seen.numbers = {
          min: Math.min(answer, seen.numbers?.min ?? answer),
          max: Math.max(answer, seen.numbers?.max ?? answer),
        };
      else if (typeof answer === 'string' && seen.texts.size <= CHOICE_VALUES) seen.texts.add(answer);
      this.questions.set(id, seen);
    }
  }
}

export type RftGrader =
  | { type: 'string_check'; name: string; input: string; reference: string; operation: 'eq' }
  | {
      type: 'score_model';
      name: string;
      model: string;
      input: { role: 'system' | 'user'; content: string }[];
      range: [number, number];
    };

function describeQuestion(id: string, seen: QuestionSeen): string {
  if (seen.numbers) return `${id} (a number; answers ranged ${seen.numbers.min}–${seen.numbers.max})`;
  if (seen.texts.size > 0 && seen.texts.size <= CHOICE_VALUES) return `${id} (one of: ${[...seen.texts].join(', ')})`;
  if (seen.texts.size > 0) return `${id} (free text)`;
  return `${id} (yes / no)`;
}

/** The grader for rows as observed; `model` grades with `score_model`. */
export function rftGrader(observed: RubricObservations, model = DEFAULT_GRADER_MODEL): RftGrader {
  if (observed.rows > 0 && observed.exactRows === observed.rows) {
    return {
      type: 'string_check',
      name: 'margin-exact-answer',
      input: '{{ sample.output_text }}',
      reference: '{{ item.reference_answer }}',
      operation: 'eq',
    };
  }
  const criteria = [...observed.questions].map(([id, seen]) => `- ${describeQuestion(id, seen)}`);
  const system = [
    'You grade a model answer against a reference answer that a person wrote or approved for the same conversation.',
    'Give 1 when the answer is as good as the reference (same facts and intent, any wording), 0 when it is wrong or unhelpful, and a score in between for a partly right answer.',
    ...(criteria.length > 0
      ? [
          'The person judged answers on these rubric questions; grade the model answer on them too, using the reference as the standard:',
          ...criteria,
        ]
      : []),
    ...(observed.exactRows > 0
      ? [
          'When the item\u2019s rubric marks an "exact" question true, only an answer that matches the reference exactly scores 1; anything else scores 0.',
        ]
      : []),
    'Reply with the score only, a number from 0 to 1.',
  ].join('\n');
  const user = [
    'Reference answer:',
    '{{ item.reference_answer }}',
    '',
    'Rubric answers the person gave the captured response (JSON):',
    '{{ item.rubric }}',
    '',
    'Model answer:',
    '{{ sample.output_text }}',
  ].join('\n');
  return {
    type: 'score_model',
    name: 'margin-rubric',
    model,
    input: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
    range: [0, 1],
  };
}
