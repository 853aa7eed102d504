import type { RubricAnswer, RubricQuestion } from '../../../../shared/rubric.ts';

/** What an input's text means as a rubric answer; empty is "not answered" (dropped before sending). */
function parse(question: RubricQuestion, text: string): RubricAnswer {
  if (question.kind === 'yes-no') return text === '' ? '' : text === 'yes';
  if (question.kind === 'number') return text.trim() === '' ? '' : Number(text);
  return text;
}

function shown(answer: RubricAnswer | undefined): string {
  if (answer === undefined) return '';
  if (typeof answer === 'boolean') return answer ? 'yes' : 'no';
  return String(answer);
}

/** The queue's rubric questions as form fields, one per question, each problem under its field. */
export function QueueRubricFields({
  questions,
  answers,
  errors,
  disabled,
  prefix,
  onChange,
}: {
  questions: RubricQuestion[];
  answers: Record<string, RubricAnswer>;
  errors: Record<string, string>;
  disabled: boolean;
  /** Keeps the ids of two forms on one page apart. */
  prefix: string;
  onChange(answers: Record<string, RubricAnswer>): void;
}) {
  if (questions.length === 0) return null;
  const set = (question: RubricQuestion, text: string) =>
    onChange({ ...answers, [question.id]: parse(question, text) });
  return (
    <fieldset class="queue-rubric">
      <legend>Rubric</legend>
      {questions.map((question) => {
        const id = `${prefix}-rubric-${question.id}`;
        const error = errors[`rubric.${question.id}`];
        const value = shown(answers[question.id]);
        const common = {
          id,
          disabled,
          'aria-invalid': error ? true : undefined,
          onChange: (event: Event) => set(question, (event.currentTarget as HTMLInputElement).value),
        };
        return (
          <div key={question.id} class={`queue-field${error ? ' invalid' : ''}`} data-question={question.id}>
            <label for={id}>
              {question.label}
              {question.required ? ' *' : ''}
            </label>
            {question.kind === 'yes-no' || question.kind === 'choice' ? (
              <select {...common} value={value}>
                <option value="">—</option>
                {(question.kind === 'yes-no' ? ['yes', 'no'] : question.options).map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            ) : question.kind === 'number' ? (
              <input {...common} type="number" min={question.min} max={question.max} step="any" value={value} />
            ) : (
              <input {...common} value={value} />
            )}
            {error && <p class="error">{error}</p>}
          </div>
        );
      })}
    </fieldset>
  );
}
