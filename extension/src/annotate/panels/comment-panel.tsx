import { RubricFields, type RubricFieldsProps } from '../rubric-form.tsx';
import { PanelForm } from './panel-form.tsx';

export interface CommentPanelProps {
  draft: string;
  setDraft: (draft: string) => void;
  /** The rubric's questions, answers and errors; null when the options define no rubric. */
  rubric: RubricFieldsProps | null;
  /** Checks the rubric's answers and saves them with the comment. */
  onSave: () => void;
}

/** The comment, with the rubric's questions above it when the options define one. */
export function CommentPanel({ draft, setDraft, rubric, onSave }: CommentPanelProps) {
  return (
    <PanelForm onSave={onSave} submit="Save comment" noValidate>
      {rubric && <RubricFields {...rubric} />}
      <label>
        Comment
        <textarea aria-label="Comment text" value={draft} onInput={(event) => setDraft(event.currentTarget.value)} />
      </label>
    </PanelForm>
  );
}
