import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { rubricAnswerIssues } from '../../../shared/rubric-rules.ts';
import type { VariantInfo } from '../sites/define-site-adapter.ts';
import type {
  AnnotationChanges,
  AnnotationState,
  SaveComparisonResult,
  SaveResult,
} from '../utils/annotation-input.ts';
import type { CompareCandidate, Winner } from './compare-candidates.ts';
import { CommentPanel } from './panels/comment-panel.tsx';
import { ComparePanel, VERDICTS } from './panels/compare-panel.tsx';
import { CorrectionPanel } from './panels/correction-panel.tsx';
import { ScorePanel } from './panels/score-panel.tsx';
import { TagsPanel } from './panels/tags-panel.tsx';
import { answersOf, type RubricDraft, type RubricView } from './rubric-form.tsx';

/** What a keyboard shortcut asks of one response's controls. */
export type ControlsCommand =
  | { type: 'thumb'; thumb: 'up' | 'down' }
  | { type: 'score'; score: number }
  | { type: 'open'; panel: 'comment' | 'correction' | 'compare' }
  | { type: 'focus' }
  /** Compare mode's a / b / e: only acts while the compare panel is open. */
  | { type: 'pick'; winner: Winner }
  | { type: 'close' };

/** Runs a command; false when it does not apply (so the key goes on to the page). */
export type ControlsHandle = (command: ControlsCommand) => boolean;

export interface ControlsProps {
  initial: AnnotationState | null;
  /** Filled in by the controls: how shortcuts reach them. */
  handle: { current: ControlsHandle | null };
  rubric: RubricView | null;
  /** "2/3" on the page: this response is one of several variants of its prompt. */
  variant: VariantInfo | null;
  /** The response as markdown, read when the editor opens. */
  readResponse: () => string;
  save: (changes: AnnotationChanges) => Promise<SaveResult>;
  /** Other variants of this prompt seen on the page, read when the compare panel opens. */
  candidates: () => CompareCandidate[];
  compare: (other: CompareCandidate, winner: Winner) => Promise<SaveComparisonResult>;
}

type Panel = 'score' | 'comment' | 'tags' | 'correction' | 'compare' | null;
type Status = { kind: 'idle' | 'saving' | 'saved' | 'error'; text: string };

/**
 * Thumbs, score, comment (with the rubric), tags, a better-response editor and compare mode for one
 * response: the bar, and the one panel open below it (panels/). The drafts live here, not in the panels,
 * so closing a panel keeps what was typed in it.
 */
export function Controls(props: ControlsProps) {
  const { initial, rubric, variant, readResponse, save } = props;
  const [saved, setSaved] = useState<AnnotationState | null>(initial);
  const [panel, setPanel] = useState<Panel>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle', text: '' });
  // Drafts live until a save succeeds, so a failed save never loses what the person typed.
  const [scoreDraft, setScoreDraft] = useState(String(initial?.score ?? 50));
  const [commentDraft, setCommentDraft] = useState(initial?.comment ?? '');
  const [rubricDraft, setRubricDraft] = useState<RubricDraft>(
    initial?.rubric && rubric && initial.rubric.version === rubric.version ? { ...initial.rubric.answers } : {},
  );
  const [rubricErrors, setRubricErrors] = useState<Record<string, string>>({});
  const [tagsDraft, setTagsDraft] = useState((initial?.tags ?? []).join(', '));
  const [correctionDraft, setCorrectionDraft] = useState<string | null>(initial?.correction ?? null);
  const [candidates, setCandidates] = useState<CompareCandidate[]>([]);
  const [other, setOther] = useState<string | null>(null);
  /** Which element to focus once the panel it belongs to has rendered. */
  const focusNext = useRef<string | null>(null);
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const selector = focusNext.current;
    if (!selector) return;
    focusNext.current = null;
    container.current?.querySelector<HTMLElement>(selector)?.focus();
  });

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

  function open(next: Exclude<Panel, null>, toggle = true) {
    if (next === 'correction' && correctionDraft === null) setCorrectionDraft(saved?.correction ?? readResponse());
    if (next === 'compare') {
      const found = props.candidates();
      setCandidates(found);
      setOther((current) =>
        found.some((candidate) => candidate.messageId === current) ? current : (found[0]?.messageId ?? null),
      );
    }
    setPanel(toggle && panel === next ? null : next);
  }

  function saveComment() {
    if (!rubric || rubric.questions.length === 0) return void commit({ comment: commentDraft }, true);
    const answers = answersOf(rubric, rubricDraft);
    const issues = rubricAnswerIssues(rubric.questions, answers);
    setRubricErrors(Object.fromEntries(issues.map((issue) => [issue.id, issue.message])));
    if (issues.length > 0) {
      setStatus({ kind: 'error', text: `Not saved: ${issues.map((issue) => issue.message).join('; ')}` });
      focusNext.current = '[aria-invalid="true"] input, [aria-invalid="true"]';
      return;
    }
    void commit({ comment: commentDraft, rubric: { version: rubric.version, answers } }, true);
  }

  async function pick(winner: Winner) {
    const candidate = candidates.find((known) => known.messageId === other);
    if (!candidate) {
      setStatus({ kind: 'error', text: 'Not saved: no other variant of this prompt to compare with yet' });
      return;
    }
    setStatus({ kind: 'saving', text: 'Saving…' });
    let result: SaveComparisonResult;
    try {
      result = await props.compare(candidate, winner);
    } catch (error) {
      result = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (result.ok) {
      setCandidates((known) =>
        known.map((entry) => (entry.messageId === candidate.messageId ? { ...entry, previous: winner } : entry)),
      );
      const mine = result.annotations.find((annotation) => annotation.messageId === saved?.messageId);
      if (mine) setSaved(mine);
      setStatus({ kind: 'saved', text: `Saved: ${VERDICTS[winner]}` });
    } else {
      setStatus({ kind: 'error', text: `Not saved: ${result.error}` });
    }
  }

  const thumb = saved?.thumb ?? null;
  const score = saved?.score ?? null;

  // Keyboard shortcuts call in here (see keyboard.ts); the latest closure sees the latest state.
  useLayoutEffect(() => {
    props.handle.current = (command) => {
      switch (command.type) {
        case 'thumb':
          void commit({ thumb: thumb === command.thumb ? null : command.thumb }, false);
          return true;
        case 'score':
          setScoreDraft(String(command.score));
          void commit({ score: command.score }, false);
          return true;
        case 'open':
          if (command.panel === 'compare' && !variant) return false;
          focusNext.current =
            command.panel === 'comment'
              ? 'textarea[aria-label="Comment text"]'
              : command.panel === 'correction'
                ? 'textarea[aria-label="Better response text"]'
                : '.compare button';
          open(command.panel, false);
          return true;
        case 'focus':
          focusNext.current = null;
          container.current?.querySelector<HTMLElement>('button')?.focus();
          return true;
        case 'pick':
          if (panel !== 'compare') return false;
          void pick(command.winner);
          return true;
        case 'close':
          if (panel === null) return false;
          setPanel(null);
          return true;
      }
    };
  });

  return (
    <div ref={container}>
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
        <button type="button" aria-label="Score" aria-expanded={panel === 'score'} onClick={() => open('score')}>
          Score{score === null ? '' : ` ${score}`}
        </button>
        <button type="button" aria-label="Comment" aria-expanded={panel === 'comment'} onClick={() => open('comment')}>
          Comment{saved?.comment || saved?.rubric ? ' ✓' : ''}
        </button>
        <button type="button" aria-label="Tags" aria-expanded={panel === 'tags'} onClick={() => open('tags')}>
          Tags
        </button>
        <button
          type="button"
          aria-label="Write a better response"
          aria-expanded={panel === 'correction'}
          onClick={() => open('correction')}
        >
          Better response{saved?.correction ? ' ✓' : ''}
        </button>
        {variant && (
          <button
            type="button"
            aria-label="Compare variants"
            aria-expanded={panel === 'compare'}
            onClick={() => open('compare')}
          >
            Compare
          </button>
        )}
        {saved?.tags.map((tag) => (
          <span class="tag" key={tag}>
            {tag}
          </span>
        ))}
        <span role="status" class={`status ${status.kind}`}>
          {status.text}
        </span>
      </div>

      {panel === 'score' && <ScorePanel draft={scoreDraft} setDraft={setScoreDraft} score={score} commit={commit} />}
      {panel === 'comment' && (
        <CommentPanel
          draft={commentDraft}
          setDraft={setCommentDraft}
          rubric={
            rubric?.questions.length
              ? {
                  rubric,
                  draft: rubricDraft,
                  errors: rubricErrors,
                  onChange: (id, value) => {
                    setRubricDraft((draft) => ({ ...draft, [id]: value }));
                    setRubricErrors(({ [id]: _answered, ...rest }) => rest);
                  },
                }
              : null
          }
          onSave={saveComment}
        />
      )}
      {panel === 'tags' && <TagsPanel draft={tagsDraft} setDraft={setTagsDraft} commit={commit} />}
      {panel === 'correction' && (
        <CorrectionPanel draft={correctionDraft} setDraft={setCorrectionDraft} commit={commit} />
      )}
      {panel === 'compare' && variant && (
        <ComparePanel variant={variant} candidates={candidates} other={other} setOther={setOther} pick={pick} />
      )}
    </div>
  );
}
