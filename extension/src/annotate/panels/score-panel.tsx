import { type Commit, PanelForm } from './panel-form.tsx';

/** 1–5 on the keyboard maps onto the stored 0–100 scale. */
export const QUICK_SCORES: Record<string, number> = { '1': 0, '2': 25, '3': 50, '4': 75, '5': 100 };

export interface ScorePanelProps {
  draft: string;
  setDraft: (draft: string) => void;
  /** The saved score, or null when there is none (no "Clear score" then). */
  score: number | null;
  commit: Commit;
  onCancel: () => void;
}

/** The score slider (0–100; keys 1–5 pick the quick scores), with save and clear. */
export function ScorePanel({ draft, setDraft, score, commit, onCancel }: ScorePanelProps) {
  return (
    <PanelForm
      onCancel={onCancel}
      onSave={() => void commit({ score: Number(draft) }, true)}
      submit="Save score"
      more={
        score !== null && (
          <button type="button" onClick={() => commit({ score: null }, true)}>
            Clear score
          </button>
        )
      }
    >
      <label>
        Score from 0 to 100 (keys 1–5 pick 0, 25, 50, 75, 100)
        <div class="row">
          <input
            type="range"
            min={0}
            max={100}
            step={1}
            aria-label="Score value"
            value={draft}
            onInput={(event) => setDraft(event.currentTarget.value)}
            onKeyDown={(event) => {
              const quick = QUICK_SCORES[event.key];
              if (quick !== undefined) {
                event.preventDefault();
                setDraft(String(quick));
              }
            }}
          />
          <output>{draft}</output>
        </div>
      </label>
    </PanelForm>
  );
}
