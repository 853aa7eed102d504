import type { AnnotationChanges } from '../../utils/annotation-input.ts';
import { RubricFields, type RubricFieldsProps } from '../rubric-form.tsx';
import { PanelForm } from './panel-form.tsx';

export interface CommentPanelProps {
  draft: string;
  setDraft: (draft: string) => void;
  /** The rubric's questions, answers and errors; null when the options define no rubric. */
  rubric: RubricFieldsProps | null;
  /** Checks the rubric's answers and saves them with the comment. */
  onSave: () => void;
  onCancel: () => void;
  /** A rating that waits for the rubric's required answers: saved together with this panel. */
  waiting: AnnotationChanges | null;
}

/** "your thumbs up, score 75": what waits, in words. */
function describe(waiting: AnnotationChanges): string {
  const parts: string[] = [];
  if (waiting.thumb) parts.push(`your thumbs ${waiting.thumb}`);
  if (typeof waiting.score === 'number') parts.push(`score ${waiting.score}`);
  if (waiting.tags) parts.push('your tags');
  if (typeof waiting.correction === 'string') parts.push('your better response');
  return parts.join(', ') || 'your change';
}

/** The comment, with the rubric's questions above it when the options define one. */
export function CommentPanel({ draft, setDraft, rubric, onSave, onCancel, waiting }: CommentPanelProps) {
  return (
    <PanelForm onSave={onSave} onCancel={onCancel} submit="Save comment" noValidate>
      {waiting && (
        <p class="error-text" data-waiting>
          The rubric has required questions: {describe(waiting)} is saved once they are answered.
        </p>
      )}
      {rubric && <RubricFields {...rubric} />}
      <label>
        Comment
        <textarea aria-label="Comment text" value={draft} onInput={(event) => setDraft(event.currentTarget.value)} />
      </label>
    </PanelForm>
  );
}
