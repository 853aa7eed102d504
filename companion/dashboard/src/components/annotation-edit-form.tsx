import { useState } from 'preact/hooks';
import type { Annotation } from '../../../../shared/annotation.ts';
import { API } from '../../../../shared/api/index.ts';
import type { AnnotationEdit } from '../../../../shared/dashboard.ts';
import { ApiError, api, errorText } from '../api.ts';
import { invalidateFacets } from '../facets.ts';
import { CorrectionDiff } from './correction-diff.tsx';

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

export function parseTags(text: string): string[] {
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

interface Props {
  annotation: Annotation;
  onSaved(annotation: Annotation): void;
  onDeleted(): void;
  /** Load the stored version again (after a conflict). */
  onReload(): void;
}

/** The judgement, editable: thumb, score, tags, comment and the correction (shown as changes, or edited). */
export function AnnotationEditForm({ annotation, onSaved, onDeleted, onReload }: Props) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(annotation));
  const [status, setStatus] = useState<{ kind: 'saved' | 'error' | 'busy'; text: string } | null>(null);
  // A stored correction opens as its changes; a new one opens in the editor.
  const [editing, setEditing] = useState(false);
  const params = { id: annotation.id };
  const edit = changes(annotation, draft);
  const dirty = typeof edit === 'object' && Object.keys(edit).length > 0;
  const update = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setStatus(null);
  };
  const failed = (reason: unknown) => {
    const conflict = reason instanceof ApiError && reason.status === 409;
    setStatus({ kind: 'error', text: conflict ? errorText(reason) : `Not saved: ${errorText(reason)}` });
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (typeof edit === 'string') return setStatus({ kind: 'error', text: edit });
    setStatus({ kind: 'busy', text: 'Saving…' });
    try {
      const saved = await api(API.annotations.edit, { params, body: { baseRevision: annotation.revision, ...edit } });
      setDraft(draftOf(saved.annotation));
      setEditing(false);
      setStatus({ kind: 'saved', text: `Saved (revision ${saved.annotation.revision}).` });
      if (edit.tags) invalidateFacets();
      onSaved(saved.annotation);
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
      onDeleted();
    } catch (reason) {
      failed(reason);
    }
  };

  return (
    <form class="edit" onSubmit={save} aria-label="Judgement">
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
      <div class="edit-row">
        <label class="edit-score">
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
        <label class="edit-tags">
          Tags (comma separated)
          <input
            type="text"
            name="tags"
            value={draft.tags}
            onInput={(event) => update({ tags: event.currentTarget.value })}
          />
        </label>
      </div>
      <label>
        Comment
        <textarea
          name="comment"
          rows={2}
          value={draft.comment}
          onInput={(event) => update({ comment: event.currentTarget.value })}
        />
      </label>
      {draft.correction === null ? (
        <button
          type="button"
          onClick={() => {
            setEditing(true);
            update({ correction: annotation.response });
          }}
        >
          Write a better response
        </button>
      ) : (
        <section class="correction" aria-label="Correction">
          <header class="correction-head">
            <strong>Correction</strong>
            <button type="button" class="link" aria-pressed={!editing} onClick={() => setEditing(false)}>
              Changes
            </button>
            <button type="button" class="link" aria-pressed={editing} onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" class="link danger" onClick={() => update({ correction: null })}>
              Remove the correction
            </button>
          </header>
          {editing ? (
            <label>
              Correction (markdown)
              <textarea
                name="correction"
                rows={8}
                value={draft.correction}
                onInput={(event) => update({ correction: event.currentTarget.value })}
              />
            </label>
          ) : (
            <CorrectionDiff original={annotation.response} correction={draft.correction} />
          )}
        </section>
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
            <button type="button" class="link" onClick={onReload}>
              Reload
            </button>
          )}
        </p>
      )}
    </form>
  );
}
