import { type Commit, PanelForm } from './panel-form.tsx';

export interface TagsPanelProps {
  draft: string;
  setDraft: (draft: string) => void;
  commit: Commit;
  onCancel: () => void;
}

function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((tag) => tag.trim()))].filter((tag) => tag.length > 0);
}

/** The tags, typed as one comma-separated line. */
export function TagsPanel({ draft, setDraft, commit, onCancel }: TagsPanelProps) {
  return (
    <PanelForm onCancel={onCancel} onSave={() => void commit({ tags: parseTags(draft) }, true)} submit="Save tags">
      <label>
        Tags, separated by commas
        <input
          type="text"
          aria-label="Tags text"
          value={draft}
          onInput={(event) => setDraft(event.currentTarget.value)}
        />
      </label>
    </PanelForm>
  );
}
