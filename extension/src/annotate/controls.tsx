import { useState } from 'preact/hooks';
import type { AnnotationChanges, AnnotationState, SaveResult } from '../utils/annotation-input.ts';

export interface ControlsProps {
  initial: AnnotationState | null;
  /** The response as markdown, read when the editor opens. */
  readResponse: () => string;
  save: (changes: AnnotationChanges) => Promise<SaveResult>;
}

type Panel = 'score' | 'comment' | 'tags' | 'correction' | null;
type Status = { kind: 'idle' | 'saving' | 'saved' | 'error'; text: string };

/** 1–5 on the keyboard maps onto the stored 0–100 scale. */
const QUICK_SCORES: Record<string, number> = { '1': 0, '2': 25, '3': 50, '4': 75, '5': 100 };

function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((tag) => tag.trim()))].filter((tag) => tag.length > 0);
}

/** Thumbs, score, comment, tags and a better-response editor for one assistant response. */
export function Controls({ initial, readResponse, save }: ControlsProps) {
  const [saved, setSaved] = useState<AnnotationState | null>(initial);
  const [panel, setPanel] = useState<Panel>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle', text: '' });
  // Drafts live until a save succeeds, so a failed save never loses what the person typed.
  const [scoreDraft, setScoreDraft] = useState(String(initial?.score ?? 50));
  const [commentDraft, setCommentDraft] = useState(initial?.comment ?? '');
  const [tagsDraft, setTagsDraft] = useState((initial?.tags ?? []).join(', '));
  const [correctionDraft, setCorrectionDraft] = useState<string | null>(initial?.correction ?? null);

  async function commit(changes: AnnotationChanges, closePanel: boolean) {
    setStatus({ kind: 'saving', text: 'Saving…' });
    let result: SaveResult;
    try {
      result = await save(changes);
    } catch (error) {
      result = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (result.ok) {
      setSaved(result.annotation);
      setTagsDraft(result.annotation.tags.join(', '));
      setStatus({ kind: 'saved', text: 'Saved' });
      if (closePanel) setPanel(null);
    } else {
      setStatus({ kind: 'error', text: `Not saved: ${result.error}` });
    }
  }

  function toggle(next: Exclude<Panel, null>) {
    if (next === 'correction' && correctionDraft === null) setCorrectionDraft(saved?.correction ?? readResponse());
    setPanel(panel === next ? null : next);
  }

  const thumb = saved?.thumb ?? null;
  const score = saved?.score ?? null;
  return (
    <div>
      <div class="bar">
        <button
          type="button"
          aria-label="Thumbs up"
          title="Thumbs up"
          aria-pressed={thumb === 'up'}
          onClick={() => commit({ thumb: thumb === 'up' ? null : 'up' }, false)}
        >
          👍
        </button>
        <button
          type="button"
          aria-label="Thumbs down"
          title="Thumbs down"
          aria-pressed={thumb === 'down'}
          onClick={() => commit({ thumb: thumb === 'down' ? null : 'down' }, false)}
        >
          👎
        </button>
        <button type="button" aria-label="Score" aria-expanded={panel === 'score'} onClick={() => toggle('score')}>
          Score{score === null ? '' : ` ${score}`}
        </button>
        <button
          type="button"
          aria-label="Comment"
          aria-expanded={panel === 'comment'}
          onClick={() => toggle('comment')}
        >
          Comment{saved?.comment ? ' ✓' : ''}
        </button>
        <button type="button" aria-label="Tags" aria-expanded={panel === 'tags'} onClick={() => toggle('tags')}>
          Tags
        </button>
        <button
          type="button"
          aria-label="Write a better response"
          aria-expanded={panel === 'correction'}
          onClick={() => toggle('correction')}
        >
          Better response{saved?.correction ? ' ✓' : ''}
        </button>
        {saved?.tags.map((tag) => (
          <span class="tag" key={tag}>
            {tag}
          </span>
        ))}
        <span role="status" class={`status ${status.kind}`}>
          {status.text}
        </span>
      </div>

      {panel === 'score' && (
        <form
          class="panel"
          onSubmit={(event) => {
            event.preventDefault();
            void commit({ score: Number(scoreDraft) }, true);
          }}
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
                value={scoreDraft}
                onInput={(event) => setScoreDraft(event.currentTarget.value)}
                onKeyDown={(event) => {
                  const quick = QUICK_SCORES[event.key];
                  if (quick !== undefined) {
                    event.preventDefault();
                    setScoreDraft(String(quick));
                  }
                }}
              />
              <output>{scoreDraft}</output>
            </div>
          </label>
          <div class="row">
            <button type="submit" class="primary">
              Save score
            </button>
            {score !== null && (
              <button type="button" onClick={() => commit({ score: null }, true)}>
                Clear score
              </button>
            )}
          </div>
        </form>
      )}

      {panel === 'comment' && (
        <form
          class="panel"
          onSubmit={(event) => {
            event.preventDefault();
            void commit({ comment: commentDraft }, true);
          }}
        >
          <label>
            Comment
            <textarea
              aria-label="Comment text"
              value={commentDraft}
              onInput={(event) => setCommentDraft(event.currentTarget.value)}
            />
          </label>
          <div class="row">
            <button type="submit" class="primary">
              Save comment
            </button>
          </div>
        </form>
      )}

      {panel === 'tags' && (
        <form
          class="panel"
          onSubmit={(event) => {
            event.preventDefault();
            void commit({ tags: parseTags(tagsDraft) }, true);
          }}
        >
          <label>
            Tags, separated by commas
            <input
              type="text"
              aria-label="Tags text"
              value={tagsDraft}
              onInput={(event) => setTagsDraft(event.currentTarget.value)}
            />
          </label>
          <div class="row">
            <button type="submit" class="primary">
              Save tags
            </button>
          </div>
        </form>
      )}

      {panel === 'correction' && (
        <form
          class="panel"
          onSubmit={(event) => {
            event.preventDefault();
            void commit({ correction: correctionDraft ?? '' }, true);
          }}
        >
          <label>
            A better response (markdown)
            <textarea
              class="correction"
              aria-label="Better response text"
              value={correctionDraft ?? ''}
              onInput={(event) => setCorrectionDraft(event.currentTarget.value)}
            />
          </label>
          <div class="row">
            <button type="submit" class="primary">
              Save better response
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
