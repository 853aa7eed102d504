import type { RubricAnswer, RubricQuestion } from '../../../shared/rubric.ts';

/** The rubric as the content script gets it from the background (already validated there). */
export interface RubricView {
  version: number;
  questions: RubricQuestion[];
}

/** Answers being typed: by question id; a number field keeps its text until the form is checked. */
export type RubricDraft = Record<string, RubricAnswer | undefined>;

export interface RubricFieldsProps {
  rubric: RubricView;
  draft: RubricDraft;
  /** Per question id, why its answer cannot be saved (shown under the field). */
  errors: Record<string, string>;
  onChange(id: string, value: RubricAnswer | undefined): void;
}

/** The rubric's questions as form fields, inside the comment panel. */
export function RubricFields({ rubric, draft, errors, onChange }: RubricFieldsProps) {
  return (
    <fieldset class="rubric">
      <legend>Rubric (version {rubric.version})</legend>
      {rubric.questions.map((question) => {
        const error = errors[question.id];
        const errorId = `rubric-error-${question.id}`;
        const describedBy = error ? errorId : undefined;
        const label = `${question.label}${question.required ? ' (required)' : ''}`;
        return (
          <div class="question" key={question.id}>
            {question.kind === 'yes-no' && (
              <div role="radiogroup" aria-label={label} aria-invalid={error ? 'true' : undefined}>
                <span class="question-label">{label}</span>
                {[
                  [true, 'Yes'],
                  [false, 'No'],
                ].map(([value, text]) => (
                  <label class="inline" key={text as string}>
                    <input
                      type="radio"
                      name={`rubric-${question.id}`}
                      checked={draft[question.id] === value}
                      aria-describedby={describedBy}
                      onChange={() => onChange(question.id, value as boolean)}
                    />
                    {text}
                  </label>
                ))}
              </div>
            )}
            {question.kind === 'choice' && (
              <label>
                {label}
                <select
                  aria-invalid={error ? 'true' : undefined}
                  aria-describedby={describedBy}
                  value={typeof draft[question.id] === 'string' ? (draft[question.id] as string) : ''}
                  onChange={(event) => onChange(question.id, event.currentTarget.value || undefined)}
                >
                  <option value="">(no answer)</option>
                  {question.options.map((option) => (
                    <option key={option} value={option}>
                      {option}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {question.kind === 'number' && (
              <label>
                {label} ({question.min} to {question.max})
                <input
                  type="number"
                  min={question.min}
                  max={question.max}
                  aria-invalid={error ? 'true' : undefined}
                  aria-describedby={describedBy}
                  value={draft[question.id] === undefined ? '' : String(draft[question.id])}
                  onInput={(event) => {
                    const text = event.currentTarget.value.trim();
                    onChange(question.id, text === '' ? undefined : Number(text));
                  }}
                />
              </label>
            )}
            {question.kind === 'text' && (
              <label>
                {label}
                <input
                  type="text"
                  aria-invalid={error ? 'true' : undefined}
                  aria-describedby={describedBy}
                  value={typeof draft[question.id] === 'string' ? (draft[question.id] as string) : ''}
                  onInput={(event) => onChange(question.id, event.currentTarget.value || undefined)}
                />
              </label>
            )}
            {error && (
              <p class="field-error" id={errorId}>
                {error}
              </p>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

/** The answers to save: only questions of this rubric, unanswered ones left out. */
export function answersOf(rubric: RubricView, draft: RubricDraft): Record<string, RubricAnswer> {
  const answers: Record<string, RubricAnswer> = {};
  for (const question of rubric.questions) {
    const value = draft[question.id];
    if (value !== undefined && value !== '') answers[question.id] = value;
  }
  return answers;
}
