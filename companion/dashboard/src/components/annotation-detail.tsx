import { useEffect, useState } from 'preact/hooks';
import type { Annotation } from '../../../../shared/annotation.ts';
import { API } from '../../../../shared/api/index.ts';
import type { AnnotationEdit } from '../../../../shared/dashboard.ts';
import { ApiError, api, errorText } from '../api.ts';
import { invalidateFacets } from '../facets.ts';
import { formatDate } from '../format.ts';
import { Transcript } from './transcript.tsx';

interface Props {
  id: string;
  onClose(): void;
  /** After a save or a delete: the table reloads its rows. */
  onChanged(): void;
}

interface Draft {
  thumb: 'up' | 'down' | null;
  score: string;
  comment: string;
  tags: string;
  correction: string | null;
}

function draftOf(annotation: Annotation): Draft {
  return {
    thumb: annotation.thumb,
    score: annotation.score === null ? '' : String(annotation.score),
    comment: annotation.comment,
    tags: annotation.tags.join(', '),
    correction: annotation.correction,
  };
}

function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter((tag) => tag !== ''),
    ),
  ];
}

/** Only the fields that differ from the stored version, so an edit never rewrites what it did not touch. */
function changes(annotation: Annotation, draft: Draft): Omit<AnnotationEdit, 'baseRevision'> | string {
  const edit: Omit<AnnotationEdit, 'baseRevision'> = {};
  if (draft.thumb !== annotation.thumb) edit.thumb = draft.thumb;
  const score = draft.score.trim() === '' ? null : Number(draft.score);
  if (score !== null && (!Number.isInteger(score) || score < 0 || score > 100))
    return 'The score is a whole number from 0 to 100.';
  if (score !== annotation.score) edit.score = score;
  if (draft.comment !== annotation.comment) edit.comment = draft.comment;
  const tags = parseTags(draft.tags);
  if (tags.join('\u0000') !== annotation.tags.join('\u0000')) edit.tags = tags;
  if (draft.correction !== annotation.correction) edit.correction = draft.correction;
  return edit;
}

/** One annotation as a chat transcript, with its judgement editable and a delete. */
export function AnnotationDetail({ id, onClose, onChanged }: Props) {
  const [annotation, setAnnotation] = useState<Annotation | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [status, setStatus] = useState<{ kind: 'saved' | 'error' | 'busy'; text: string } | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setAnnotation(null);
    api(API.annotations.get, { params: { id } }, controller.signal).then(
      (value) => {
        setAnnotation(value);
        setDraft(draftOf(value));
      },
      (reason: unknown) => {
        if (!controller.signal.aborted) setStatus({ kind: 'error', text: errorText(reason) });
      },
    );
    return () => controller.abort();
  }, [id, reloads]);

  if (annotation === null || draft === null) {
    return (
      <aside class="detail" aria-label="Annotation">
        <button type="button" class="close" onClick={onClose} aria-label="Close">
          ×
        </button>
        <p class={status?.kind === 'error' ? 'error' : 'muted'} role={status?.kind === 'error' ? 'alert' : undefined}>
          {status?.text ?? 'Loading…'}
        </p>
      </aside>
    );
  }

  const params = { id: annotation.id };
  const edit = changes(annotation, draft);
  const dirty = typeof edit === 'object' && Object.keys(edit).length > 0;
  const update = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setStatus(null);
  };

  const failed = (reason: unknown) => {
    const conflict = reason instanceof ApiError && reason.status === 409;
    setStatus({ kind: 'error', text: conflict ? `${errorText(reason)}` : `Not saved: ${errorText(reason)}` });
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (typeof edit === 'string') return setStatus({ kind: 'error', text: edit });
    setStatus({ kind: 'busy', text: 'Saving…' });
    try {
      const saved = await api(API.annotations.edit, { params, body: { baseRevision: annotation.revision, ...edit } });
      setAnnotation(saved.annotation);
      setDraft(draftOf(saved.annotation));
      setStatus({ kind: 'saved', text: `Saved (revision ${saved.annotation.revision}).` });
      if (edit.tags) invalidateFacets();
      onChanged();
    } catch (reason) {
      failed(reason);
    }
  };

  const remove = async () => {
    if (!window.confirm('Delete this annotation? It is removed everywhere on the next sync, and cannot be undone.'))
      return;
    try {
      await api(API.annotations.remove, { params, query: { baseRevision: annotation.revision } });
      invalidateFacets();
      onChanged();
      onClose();
    } catch (reason) {
      failed(reason);
    }
  };

  const deleted = annotation.deletedAt !== null;
  return (
    <aside
      class="detail"
      aria-label="Annotation"
      data-annotation-id={annotation.id}
      data-revision={annotation.revision}
    >
      <button type="button" class="close" onClick={onClose} aria-label="Close">
        ×
      </button>
      <dl class="meta">
        <dt>Site</dt>
        <dd>{annotation.site}</dd>
        <dt>Model</dt>
        <dd>{annotation.model ?? 'unknown'}</dd>
        <dt>Annotator</dt>
        <dd>{annotation.annotator}</dd>
        <dt>Created</dt>
        <dd>{formatDate(annotation.createdAt)}</dd>
        <dt>Revision</dt>
        <dd>{annotation.revision}</dd>
        <dt>Page</dt>
        <dd>
          <a href={annotation.url} target="_blank" rel="noreferrer noopener">
            {annotation.url}
          </a>
        </dd>
      </dl>
      {deleted && <p class="error">Deleted on {formatDate(annotation.deletedAt ?? '')}.</p>}
      <Transcript
        context={annotation.context}
        response={annotation.response}
        model={annotation.model}
        correction={annotation.correction}
      />
      {!deleted && (
        <form class="edit" onSubmit={save}>
          <fieldset class="thumbs">
            <legend>Thumb</legend>
            {(['up', 'down', null] as const).map((value) => (
              <label key={String(value)}>
                <input
                  type="radio"
                  name="thumb"
                  value={String(value)}
                  checked={draft.thumb === value}
                  onChange={() => update({ thumb: value })}
                />
                {value === 'up' ? '▲ up' : value === 'down' ? '▼ down' : 'none'}
              </label>
            ))}
          </fieldset>
          <label>
            Score (0–100)
            <input
              type="number"
              name="score"
              min={0}
              max={100}
              value={draft.score}
              onInput={(event) => update({ score: event.currentTarget.value })}
            />
          </label>
          <label>
            Tags (comma separated)
            <input
              type="text"
              name="tags"
              value={draft.tags}
              onInput={(event) => update({ tags: event.currentTarget.value })}
            />
          </label>
          <label>
            Comment
            <textarea
              name="comment"
              rows={3}
              value={draft.comment}
              onInput={(event) => update({ comment: event.currentTarget.value })}
            />
          </label>
          {draft.correction === null ? (
            <button type="button" onClick={() => update({ correction: annotation.response })}>
              Write a better response
            </button>
          ) : (
            <label>
              Correction (markdown)
              <textarea
                name="correction"
                rows={8}
                value={draft.correction}
                onInput={(event) => update({ correction: event.currentTarget.value })}
              />
              <button type="button" class="link" onClick={() => update({ correction: null })}>
                Remove the correction
              </button>
            </label>
          )}
          <div class="actions">
            <button type="submit" class="primary" disabled={!dirty || status?.kind === 'busy'}>
              Save
            </button>
            <button type="button" onClick={() => update(draftOf(annotation))} disabled={!dirty}>
              Undo changes
            </button>
            <button type="button" class="danger" onClick={remove}>
              Delete
            </button>
          </div>
          {status && (
            <p class={status.kind === 'error' ? 'error' : 'muted'} role={status.kind === 'error' ? 'alert' : 'status'}>
              {status.text}{' '}
              {status.kind === 'error' && (
                <button type="button" class="link" onClick={() => setReloads((value) => value + 1)}>
                  Reload
                </button>
              )}
            </p>
          )}
        </form>
      )}
    </aside>
  );
}
