import { useEffect, useState } from 'preact/hooks';
import type { Annotation } from '../../../../shared/annotation.ts';
import { API } from '../../../../shared/api/index.ts';
import type { AnnotationComparisons as Comparisons } from '../../../../shared/dashboard.ts';
import { api, errorText } from '../api.ts';
import { formatDate } from '../format.ts';
import { routeHref } from '../router.ts';

type Entry = Comparisons['comparisons'][number];

function outcome(entry: Entry, id: string): 'this' | 'other' | 'tie' {
  const { winner, a } = entry.comparison;
  if (winner === 'tie') return 'tie';
  return (winner === 'a') === (a === id) ? 'this' : 'other';
}

const OUTCOME_TEXT = { this: 'this answer won', other: 'the other answer won', tie: 'a tie' } as const;

/** The side-by-side judgements this annotation is part of: who judged, which answer won, the other answer. */
export function AnnotationComparisons({ annotation, revision }: { annotation: Annotation; revision: number }) {
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    api(API.annotations.comparisons, { params: { id: annotation.id } }, controller.signal).then(
      (value) => setEntries(value.comparisons),
      (reason: unknown) => {
        if (!controller.signal.aborted) setError(errorText(reason));
      },
    );
    return () => controller.abort();
  }, [annotation.id, revision]);

  if (error) return <p class="error">Comparisons: {error}</p>;
  if (entries === null || entries.length === 0) return null;
  return (
    <section class="detail-section" aria-label="Comparisons">
      <h3>Compared side by side</h3>
      {entries.map((entry) => {
        const result = outcome(entry, annotation.id);
        const other = entry.other;
        return (
          <article key={entry.comparison.id} class="comparison" data-outcome={result}>
            <p>
              <strong>{OUTCOME_TEXT[result]}</strong>{' '}
              <span class="muted">
                · judged by {entry.comparison.annotator} on {formatDate(entry.comparison.updatedAt)}
              </span>
            </p>
            <div class="comparison-sides">
              <div class={`comparison-side${result === 'this' ? ' winner' : ''}`}>
                <header>This answer</header>
                <div class="comparison-text">{annotation.response}</div>
              </div>
              <div class={`comparison-side${result === 'other' ? ' winner' : ''}`}>
                <header>
                  {other === null ? (
                    'The other answer (not on this companion)'
                  ) : (
                    <a href={routeHref('annotations', [other.id])}>
                      The other answer{other.model ? ` · ${other.model}` : ''}
                      {other.deletedAt !== null ? ' (deleted)' : ''}
                    </a>
                  )}
                </header>
                {other !== null && <div class="comparison-text">{other.response}</div>}
              </div>
            </div>
          </article>
        );
      })}
    </section>
  );
}
