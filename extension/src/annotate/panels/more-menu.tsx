import type { Panel } from '../controls-bar.tsx';

export interface MoreMenuProps {
  score: number | null;
  corrected: boolean;
  variant: boolean;
  onOpen(panel: Panel): void;
}

/**
 * The compact bar's menu: the secondary actions, each opening its panel in the menu's place. It opens
 * in the panel overlay, so it comes with the panel script.
 */
export function MoreMenu({ score, corrected, variant, onOpen }: MoreMenuProps) {
  return (
    <div class="panel" role="menu" aria-label="More Margin actions">
      <button type="button" role="menuitem" aria-label="Score" data-opens="score" onClick={() => onOpen('score')}>
        Score{score === null ? '' : ` ${score}`}
      </button>
      <button type="button" role="menuitem" aria-label="Tags" data-opens="tags" onClick={() => onOpen('tags')}>
        Tags
      </button>
      <button
        type="button"
        role="menuitem"
        aria-label="Write a better response"
        data-opens="correction"
        onClick={() => onOpen('correction')}
      >
        Better response{corrected ? ' ✓' : ''}
      </button>
      {variant && (
        <button
          type="button"
          role="menuitem"
          aria-label="Compare variants"
          data-opens="compare"
          onClick={() => onOpen('compare')}
        >
          Compare
        </button>
      )}
    </div>
  );
}
