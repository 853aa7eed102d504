import { type Commit, PanelForm } from './panel-form.tsx';

export interface CorrectionPanelProps {
  /** The better response being written (markdown), or null before the editor first opened. */
  draft: string | null;
  setDraft: (draft: string) => void;
  commit: Commit;
  onCancel: () => void;
}

/** The editor for a better response than the one on the page. */
export function CorrectionPanel({ draft, setDraft, commit, onCancel }: CorrectionPanelProps) {
  return (
    <PanelForm
      onCancel={onCancel}
      onSave={() => void commit({ correction: draft ?? '' }, true)}
      submit="Save better response"
    >
      <label>
        A better response (markdown)
        <textarea
          class="correction"
          aria-label="Better response text"
          value={draft ?? ''}
          onInput={(event) => setDraft(event.currentTarget.value)}
        />
      </label>
    </PanelForm>
  );
}
