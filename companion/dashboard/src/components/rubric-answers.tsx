import type { RubricAnswers as Answers } from '../../../../shared/rubric.ts';

/** `needs-citation` → `Needs citation`: the rubric's questions live in the extension, their ids here. */
function questionName(id: string): string {
  const words = id.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function answerText(answer: boolean | number | string): string {
  if (typeof answer === 'boolean') return answer ? 'yes' : 'no';
  return String(answer);
}

/** The answers given to the annotator's rubric (extension options), read-only. */
export function RubricAnswers({ rubric }: { rubric: Answers | undefined }) {
  const entries = Object.entries(rubric?.answers ?? {});
  if (!rubric || entries.length === 0) return null;
  return (
    <section class="detail-section" aria-label="Rubric answers">
      <h3>
        Rubric <span class="muted">(version {rubric.version})</span>
      </h3>
      <dl class="meta rubric-answers">
        {entries.map(([id, answer]) => [
          <dt key={`${id}-q`}>{questionName(id)}</dt>,
          <dd key={id} data-question={id}>
            {answerText(answer)}
          </dd>,
        ])}
      </dl>
    </section>
  );
}
