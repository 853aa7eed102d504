import type { Ref } from 'preact';
import { MarginMark, MoreIcon, ThumbIcon } from './icons.tsx';

/** The panels a bar opens; `more` is the compact bar's menu of the secondary actions. */
export type Panel = 'score' | 'comment' | 'tags' | 'correction' | 'compare' | 'more';
export type Status = { kind: 'idle' | 'saving' | 'saved' | 'error'; text: string };

/** The actions a compact bar moves into its "more" menu. */
export const SECONDARY: ReadonlySet<Panel> = new Set(['score', 'tags', 'correction', 'compare']);

export interface ControlsBarProps {
  barRef: Ref<HTMLDivElement>;
  /** One line for a narrow column: thumbs and Comment stay, the rest go into the "more" menu. */
  compact: boolean;
  thumb: 'up' | 'down' | null;
  score: number | null;
  commented: boolean;
  corrected: boolean;
  tags: readonly string[];
  /** The response is one of several variants (Compare applies). */
  variant: boolean;
  panel: Panel | null;
  status: Status;
  onThumb(thumb: 'up' | 'down'): void;
  onOpen(panel: Panel): void;
}

/**
 * Margin's row under a response: its mark and name behind a separator (so it never reads as the
 * site's own feedback buttons), then thumbs (inline SVG), the panel buttons, tags and the save status.
 * The row never wraps; `compact` is chosen by the controls when the full row does not fit.
 */
export function ControlsBar(props: ControlsBarProps) {
  const { compact, thumb, panel, onOpen } = props;
  const opener = (name: Panel, label: string, text: string) => (
    <button
      type="button"
      aria-label={label}
      aria-expanded={panel === name}
      data-opens={name}
      onClick={() => onOpen(name)}
    >
      {text}
    </button>
  );
  return (
    <div class="bar" ref={props.barRef}>
      <span class="brand" title="Margin: your own dataset (the site's feedback buttons are not Margin's)">
        <MarginMark />
        {!compact && 'Margin'}
      </span>
      {(['up', 'down'] as const).map((direction) => (
        <button
          type="button"
          key={direction}
          aria-label={direction === 'up' ? 'Thumbs up' : 'Thumbs down'}
          title={direction === 'up' ? 'Thumbs up (Margin)' : 'Thumbs down (Margin)'}
          aria-pressed={thumb === direction}
          onClick={() => props.onThumb(direction)}
        >
          <ThumbIcon down={direction === 'down'} />
        </button>
      ))}
      {!compact && opener('score', 'Score', `Score${props.score === null ? '' : ` ${props.score}`}`)}
      {opener('comment', 'Comment', `Comment${props.commented ? ' ✓' : ''}`)}
      {!compact && opener('tags', 'Tags', 'Tags')}
      {!compact && opener('correction', 'Write a better response', `Better response${props.corrected ? ' ✓' : ''}`)}
      {!compact && props.variant && opener('compare', 'Compare variants', 'Compare')}
      {compact && (
        <button
          type="button"
          aria-label="More Margin actions"
          title="Score, tags, better response, compare"
          aria-haspopup="menu"
          aria-expanded={panel === 'more'}
          data-opens="more"
          onClick={() => onOpen('more')}
        >
          <MoreIcon />
        </button>
      )}
      <span class="info">
        {compact
          ? props.tags.length > 0 && <span class="tag">{props.tags.length} tags</span>
          : props.tags.map((tag) => (
              <span class="tag" key={tag}>
                {tag}
              </span>
            ))}
        <span role="status" class={`status ${props.status.kind}`} title={props.status.text}>
          {props.status.text}
        </span>
      </span>
    </div>
  );
}
