import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { VariantInfo } from '../sites/define-site-adapter.ts';
import type {
  AnnotationChanges,
  AnnotationState,
  SaveComparisonResult,
  SaveResult,
} from '../utils/annotation-input.ts';
import { type CompareCandidate, VERDICTS, type Winner } from './compare-candidates.ts';
import { ControlsBar, type Panel, SECONDARY, type Status } from './controls-bar.tsx';
import { claimPanel } from './open-panel.ts';
import { loadedPanelKit, loadPanelKit } from './panel-kit-loader.ts';
import type { PanelKit } from './panels/panel-kit.ts';
import type { RubricDraft, RubricView } from './rubric-form.tsx';
import { missingMessage, missingRequired } from './rubric-gate.ts';
import { useControlsReveal } from './use-controls-reveal.ts';

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

/** Names of the panels' dialogs, as a screen reader announces them. */
const PANEL_LABELS: Record<Panel, string> = {
  score: 'Score',
  comment: 'Comment',
  tags: 'Tags',
  correction: 'Better response',
  compare: 'Compare variants',
  more: 'More Margin actions',
};

/**
 * Thumbs, score, comment (with the rubric), tags, a better-response editor and compare mode for one
 * response: Margin's bar (controls-bar.tsx), and the one panel open over the page next to it
 * (panel-overlay.tsx, panels/). The drafts live here, not in the panels, so closing a panel keeps
 * what was typed in it. A rating waits for the rubric's required answers (rubric-gate.ts).
 */
export function Controls(props: ControlsProps) {
  const { initial, rubric, variant, readResponse, save } = props;
  const [saved, setSaved] = useState<AnnotationState | null>(initial);
  const [panel, setPanel] = useState<Panel | null>(null);
  const [compact, setCompact] = useState(false);
  /** A rating (thumb, score, tags, better response) waiting for the rubric's required answers. */
  const [pending, setPending] = useState<AnnotationChanges | null>(null);
  const reveal = useControlsReveal();
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
  const bar = useRef<HTMLDivElement>(null);
  /** The full bar's width when it last fitted: the compact bar goes back to it once there is room. */
  const fullWidth = useRef(0);
  const closeMine = useRef(() => setPanel(null));
  /** The panels' code (panel-kit-loader.ts): loaded once the page is idle (start-annotating.ts), or on first open. */
  const [kit, setKit] = useState<PanelKit | null>(loadedPanelKit);
  const panels = kit ?? loadedPanelKit();

  // One panel open on the whole page: opening this one closes another response's.
  useEffect(() => (panel === null ? undefined : claimPanel(closeMine.current)), [panel]);

  // Esc anywhere in the controls (bar or panel) closes the open panel; the focus goes back to its button.
  const onEscape = useRef<(event: KeyboardEvent) => void>(() => undefined);
  onEscape.current = (event) => {
    if (event.key !== 'Escape' || event.defaultPrevented || panel === null) return;
    event.preventDefault();
    close(true);
  };
  useEffect(() => {
    const element = container.current;
    const listener = (event: KeyboardEvent) => onEscape.current(event);
    element?.addEventListener('keydown', listener);
    return () => element?.removeEventListener('keydown', listener);
  }, []);

  // The bar never wraps: when the full row does not fit its column, the compact one is used. Measured
  // only in the ResizeObserver's callback (its first one comes with the first layout, before paint):
  // reading the widths here would force a layout of the whole chat page for every response mounted.
  useLayoutEffect(() => {
    const row = bar.current;
    if (!row) return;
    const refit = () => {
      if (!compact && row.scrollWidth > row.clientWidth + 1) {
        fullWidth.current = row.scrollWidth;
        setCompact(true);
      } else if (compact && fullWidth.current > 0 && row.clientWidth >= fullWidth.current) {
        setCompact(false);
      }
    };
    const observer = new ResizeObserver(refit);
    observer.observe(row);
    return () => observer.disconnect();
  }, [compact]);

  useEffect(() => {
    const selector = focusNext.current;
    // A panel whose code is still loading has nothing to focus yet: the focus waits for it.
    if (!selector || (panel !== null && !panels)) return;
    focusNext.current = null;
    container.current?.querySelector<HTMLElement>(selector)?.focus();
  });

  /**
   * Saves `changes`, unless the rubric has required questions this annotation leaves unanswered: then
   * they wait (with any earlier waiting ones) and the comment panel opens on the missing answers.
   * Clearing a thumb or a score is never held back.
   */
  function commit(changes: AnnotationChanges, closePanel: boolean): Promise<void> {
    const clearing = Object.values(changes).every((value) => value === null);
    const missing = clearing ? [] : missingRequired(rubric, saved?.rubric);
    if (missing.length === 0) return write(changes, closePanel);
    setPending((waiting) => ({ ...waiting, ...changes }));
    setRubricErrors(
      Object.fromEntries(
        missing.map((question) => [question.id, `"${question.label}" is required: answer it to save`]),
      ),
    );
    setStatus({ kind: 'error', text: missingMessage(missing) });
    focusNext.current = '[aria-invalid="true"] input, [aria-invalid="true"]';
    open('comment', false);
    return Promise.resolve();
  }

  async function write(changes: AnnotationChanges, closePanel: boolean) {
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
      setPending(null);
      if (closePanel) close(true);
    } else {
      setStatus({ kind: 'error', text: `Not saved: ${result.error}` });
    }
  }

  /** Closes the open panel; `returnFocus`: back to the button that opened it (Esc, Cancel, a save). */
  function close(returnFocus: boolean) {
    if (returnFocus && panel !== null) {
      focusNext.current = `[data-opens="${compact && SECONDARY.has(panel) ? 'more' : panel}"]`;
    }
    setPanel(null);
  }

  function open(next: Panel, toggle = true) {
    if (next === 'correction' && correctionDraft === null) setCorrectionDraft(saved?.correction ?? readResponse());
    if (next === 'compare') {
      const found = props.candidates();
      setCandidates(found);
      setOther((current) =>
        found.some((candidate) => candidate.messageId === current) ? current : (found[0]?.messageId ?? null),
      );
    }
    setPanel(toggle && panel === next ? null : next);
    if (!panels) {
      loadPanelKit().then(setKit, (error: unknown) => {
        // Closed again, so the next click tries the load again.
        setPanel(null);
        setStatus({
          kind: 'error',
          text: `Margin could not open this panel: ${error instanceof Error ? error.message : String(error)}`,
        });
      });
    }
  }

  /** The comment panel's Save (so the panels are loaded). */
  function saveComment({ answersOf, rubricAnswerIssues }: PanelKit) {
    const waiting = pending ?? {};
    if (!rubric || rubric.questions.length === 0) return void write({ ...waiting, comment: commentDraft }, true);
    const answers = answersOf(rubric, rubricDraft);
    const issues = rubricAnswerIssues(rubric.questions, answers);
    setRubricErrors(Object.fromEntries(issues.map((issue) => [issue.id, issue.message])));
    if (issues.length > 0) {
      setStatus({ kind: 'error', text: `Not saved: ${issues.map((issue) => issue.message).join('; ')}` });
      focusNext.current = '[aria-invalid="true"] input, [aria-invalid="true"]';
      return;
    }
    void write({ ...waiting, comment: commentDraft, rubric: { version: rubric.version, answers } }, true);
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
          close(true);
          return true;
      }
    };
  });

  const overlay = (content: (kit: PanelKit) => ComponentChildren) =>
    panel &&
    panels && (
      <panels.PanelOverlay anchor={bar} label={PANEL_LABELS[panel]} onClose={() => close(true)}>
        {content(panels)}
      </panels.PanelOverlay>
    );
  const cancel = () => close(true);

  return (
    <div ref={container} class="controls" data-reveal={reveal} data-open={panel === null ? undefined : panel}>
      <ControlsBar
        barRef={bar}
        compact={compact}
        thumb={thumb}
        score={score}
        commented={Boolean(saved?.comment || saved?.rubric)}
        corrected={Boolean(saved?.correction)}
        tags={saved?.tags ?? []}
        variant={variant !== null}
        panel={panel}
        status={status}
        onThumb={(direction) => void commit({ thumb: thumb === direction ? null : direction }, false)}
        onOpen={(next) => open(next)}
      />
      {panel === 'more' &&
        overlay(({ MoreMenu }) => (
          <MoreMenu
            score={score}
            corrected={Boolean(saved?.correction)}
            variant={variant !== null}
            onOpen={(next) => {
              focusNext.current = 'input, textarea, select, .compare button';
              open(next, false);
            }}
          />
        ))}
      {panel === 'score' &&
        overlay(({ ScorePanel }) => (
          <ScorePanel draft={scoreDraft} setDraft={setScoreDraft} score={score} commit={commit} onCancel={cancel} />
        ))}
      {panel === 'comment' &&
        overlay((kit) => (
          <kit.CommentPanel
            draft={commentDraft}
            setDraft={setCommentDraft}
            waiting={pending}
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
            onSave={() => saveComment(kit)}
            onCancel={cancel}
          />
        ))}
      {panel === 'tags' &&
        overlay(({ TagsPanel }) => (
          <TagsPanel draft={tagsDraft} setDraft={setTagsDraft} commit={commit} onCancel={cancel} />
        ))}
      {panel === 'correction' &&
        overlay(({ CorrectionPanel }) => (
          <CorrectionPanel draft={correctionDraft} setDraft={setCorrectionDraft} commit={commit} onCancel={cancel} />
        ))}
      {panel === 'compare' &&
        variant &&
        overlay(({ ComparePanel }) => (
          <ComparePanel
            variant={variant}
            candidates={candidates}
            other={other}
            setOther={setOther}
            pick={pick}
            onCancel={cancel}
          />
        ))}
    </div>
  );
}
