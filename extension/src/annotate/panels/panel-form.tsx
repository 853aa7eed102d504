import type { ComponentChildren } from 'preact';
import type { AnnotationChanges } from '../../utils/annotation-input.ts';

/** Saves `changes`; `closePanel` closes the open panel once the save went through. */
export type Commit = (changes: AnnotationChanges, closePanel: boolean) => unknown;

export interface PanelFormProps {
  /** Called on submit (Enter, or the save button) instead of the browser's own submit. */
  onSave: () => void;
  /** The text of the submit (save) button. */
  submit: string;
  /** Leaves checking to us (the rubric's answers are checked before anything is sent). */
  noValidate?: boolean;
  /** Closes the panel without saving (the draft stays for next time). */
  onCancel: () => void;
  /** Buttons after the save button. */
  more?: ComponentChildren;
  children: ComponentChildren;
}

/** The frame every editing panel shares: its fields, then a row with the save and Cancel buttons. */
export function PanelForm({ onSave, onCancel, submit, noValidate, more, children }: PanelFormProps) {
  return (
    <form
      class="panel"
      noValidate={noValidate}
      onSubmit={(event) => {
        event.preventDefault();
        onSave();
      }}
    >
      {children}
      <div class="row">
        <button type="submit" class="primary">
          {submit}
        </button>
        {more}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
