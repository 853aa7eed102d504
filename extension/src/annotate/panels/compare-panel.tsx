import type { VariantInfo } from '../../sites/define-site-adapter.ts';
import { type CompareCandidate, VERDICTS, type Winner } from '../compare-candidates.ts';

export interface ComparePanelProps {
  /** This response's place among the variants of its prompt ("2 of 3"). */
  variant: VariantInfo;
  /** The other variants seen on the page, read when the panel opened. */
  candidates: CompareCandidate[];
  /** The message id of variant B. */
  other: string | null;
  setOther: (messageId: string) => void;
  pick: (winner: Winner) => void;
  onCancel: () => void;
}

/** Compare mode: this response (A) against another variant of its prompt (B), and the verdict. */
export function ComparePanel({ variant, candidates, other, setOther, pick, onCancel }: ComparePanelProps) {
  const chosen = candidates.find((candidate) => candidate.messageId === other);
  return (
    <section class="panel compare" aria-label="Compare variants">
      {candidates.length === 0 ? (
        <p>
          This is variant {variant.index} of {variant.count}. Show another variant of this prompt with the site's
          arrows, then compare it with this one here.
        </p>
      ) : (
        <>
          <p>
            A: this response (variant {variant.index} of {variant.count})
          </p>
          <label>
            B:
            <select
              aria-label="Variant B"
              value={other ?? ''}
              onChange={(event) => setOther(event.currentTarget.value)}
            >
              {candidates.map((candidate) => (
                <option key={candidate.messageId} value={candidate.messageId}>
                  {candidate.label}: {candidate.preview}
                </option>
              ))}
            </select>
          </label>
          {chosen?.previous && <p>Your verdict: {VERDICTS[chosen.previous]}</p>}
          <div class="row">
            <button type="button" aria-label="A is better" aria-keyshortcuts="a" onClick={() => pick('a')}>
              A is better (a)
            </button>
            <button type="button" aria-label="B is better" aria-keyshortcuts="b" onClick={() => pick('b')}>
              B is better (b)
            </button>
            <button type="button" aria-label="Tie" aria-keyshortcuts="e" onClick={() => pick('tie')}>
              Tie (e)
            </button>
          </div>
        </>
      )}
      <div class="row">
        <button type="button" onClick={onCancel}>
          {candidates.length === 0 ? 'Close' : 'Cancel'}
        </button>
      </div>
    </section>
  );
}
