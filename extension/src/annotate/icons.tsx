/**
 * The controls' glyphs as inline SVG: they draw the same on every system (no emoji font needed) and
 * take the text colour, so they follow the page's theme.
 */

/** Margin's mark: a page with a margin rule, so the row reads as ours and not the site's. */
export function MarginMark() {
  return (
    <svg class="mark" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <rect x="2.5" y="1.5" width="11" height="13" rx="2" fill="none" stroke="currentColor" stroke-width="1.4" />
      <path d="M6 1.5v13" stroke="currentColor" stroke-width="1.4" />
      <path d="M8 5h3.5M8 8h3.5M8 11h2" stroke="currentColor" stroke-width="1.2" stroke-linecap="round" />
    </svg>
  );
}

const THUMB =
  'M2 7h2.5v7H2zM6 14h5.6c.7 0 1.3-.5 1.5-1.2l1.1-4.4c.2-.9-.5-1.9-1.5-1.9H9.5l.6-2.7c.1-.8-.4-1.6-1.2-1.8L8.5 2 6 6.6z';

export function ThumbIcon({ down = false }: { down?: boolean }) {
  return (
    <svg
      class="glyph"
      viewBox="0 0 16 16"
      width="14"
      height="14"
      aria-hidden="true"
      focusable="false"
      transform={down ? 'rotate(180)' : undefined}
    >
      <path d={THUMB} fill="none" stroke="currentColor" stroke-width="1.3" stroke-linejoin="round" />
    </svg>
  );
}

/** "More" (three dots), for the compact bar's menu. */
export function MoreIcon() {
  return (
    <svg class="glyph" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <circle cx="3" cy="8" r="1.4" fill="currentColor" />
      <circle cx="8" cy="8" r="1.4" fill="currentColor" />
      <circle cx="13" cy="8" r="1.4" fill="currentColor" />
    </svg>
  );
}
