import { diffWordsWithSpace } from 'diff';
import { useMemo } from 'preact/hooks';

/** Past this, a word diff takes long enough to freeze the page: both texts are shown instead. */
const DIFF_TIMEOUT_MS = 250;

/**
 * A correction as changes against the original response: removed words struck through, added words
 * marked, the rest as is (jsdiff's word diff, whitespace and newlines kept, so code stays readable).
 */
export function CorrectionDiff({ original, correction }: { original: string; correction: string }) {
  const parts = useMemo(
    () => diffWordsWithSpace(original, correction, { timeout: DIFF_TIMEOUT_MS }),
    [original, correction],
  );
  if (parts === undefined) {
    return (
      <div class="diff" data-diff="too-large">
        <p class="muted">The texts differ too much to mark word by word; here is the correction.</p>
        <div class="diff-text">{correction}</div>
      </div>
    );
  }
  const added = parts.filter((part) => part.added).length;
  const removed = parts.filter((part) => part.removed).length;
  return (
    <figure class="diff" aria-label="Changes against the original">
      <p class="muted diff-summary">
        {added === 0 && removed === 0
          ? 'Same text as the original: the correction approves it.'
          : `${removed} passage${removed === 1 ? '' : 's'} removed, ${added} added.`}
      </p>
      <div class="diff-text">
        {parts.map((part, index) =>
          part.added ? (
            <ins key={index}>{part.value}</ins>
          ) : part.removed ? (
            <del key={index}>{part.value}</del>
          ) : (
            <span key={index}>{part.value}</span>
          ),
        )}
      </div>
    </figure>
  );
}
