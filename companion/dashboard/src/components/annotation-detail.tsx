import { useEffect, useState } from 'preact/hooks';
import type { Annotation } from '../../../../shared/annotation.ts';
import { API } from '../../../../shared/api/index.ts';
import { api, errorText } from '../api.ts';
import { formatDate } from '../format.ts';
import { AnnotationComparisons } from './annotation-comparisons.tsx';
import { AnnotationEditForm } from './annotation-edit-form.tsx';
import { CaptureNote } from './capture-note.tsx';
import { ConversationRatings } from './conversation-ratings.tsx';
import { RubricAnswers } from './rubric-answers.tsx';
import { Bubble, Context } from './transcript.tsx';
import './annotation-detail.css';

interface Props {
  id: string;
  onClose(): void;
  /** After a save or a delete: the table reloads its rows. */
  onChanged(): void;
}

/**
 * One annotation, opening on what was judged: the turn it answers (earlier turns folded above), the
 * rated response, and the judgement's controls right under it; then the rubric answers, the
 * side-by-side comparisons it is part of, and how the whole conversation was rated.
 */
export function AnnotationDetail({ id, onClose, onChanged }: Props) {
  const [annotation, setAnnotation] = useState<Annotation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setAnnotation(null);
    setError(null);
    api(API.annotations.get, { params: { id } }, controller.signal).then(setAnnotation, (reason: unknown) => {
      if (!controller.signal.aborted) setError(errorText(reason));
    });
    return () => controller.abort();
  }, [id, reloads]);

  const close = (
    <button type="button" class="close" onClick={onClose} aria-label="Close" title="Close (Esc)">
      ×
    </button>
  );
  if (annotation === null) {
    return (
      <aside class="detail" aria-label="Annotation">
        {close}
        <p class={error ? 'error' : 'muted'} role={error ? 'alert' : undefined}>
          {error ?? 'Loading…'}
        </p>
      </aside>
    );
  }

  const deleted = annotation.deletedAt !== null;
  return (
    <aside
      class="detail"
      aria-label="Annotation"
      data-annotation-id={annotation.id}
      data-revision={annotation.revision}
    >
      <header class="detail-head">
        <p class="detail-meta muted">
          {annotation.site} · {annotation.model ?? 'unknown model'} · by {annotation.annotator} ·{' '}
          {formatDate(annotation.createdAt)} · revision {annotation.revision} ·{' '}
          <a href={annotation.url} target="_blank" rel="noreferrer noopener" title={annotation.url}>
            open the chat
          </a>
        </p>
        {close}
      </header>
      {deleted && <p class="error">Deleted on {formatDate(annotation.deletedAt ?? '')}.</p>}
      <CaptureNote metadata={annotation.metadata} />
      <Context context={annotation.context} />
      {annotation.reasoning !== undefined && (
        <details class="reasoning">
          <summary>The model's reasoning, as the page showed it</summary>
          <Bubble speaker="assistant" kind="reasoning" label="Reasoning" text={annotation.reasoning} />
        </details>
      )}
      <Bubble
        speaker="assistant"
        kind="response"
        label={`Rated response${annotation.model ? ` · ${annotation.model}` : ''}`}
        text={annotation.response}
      />
      {!deleted && (
        <AnnotationEditForm
          key={`${annotation.id}:${reloads}`}
          annotation={annotation}
          onSaved={(saved) => {
            setAnnotation(saved);
            onChanged();
          }}
          onDeleted={() => {
            onChanged();
            onClose();
          }}
          onReload={() => setReloads((value) => value + 1)}
        />
      )}
      <RubricAnswers rubric={annotation.rubric} />
      <AnnotationComparisons annotation={annotation} revision={annotation.revision} />
      <ConversationRatings annotation={annotation} />
    </aside>
  );
}
