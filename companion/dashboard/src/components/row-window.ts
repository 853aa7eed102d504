/**
 * Which rows of a table of same-height rows are in view, computed from the scroll position alone.
 * TanStack Virtual (used before) keeps a measurement object per row and rebuilds the list whenever the
 * row count changes: 430 ms for a million rows, on every first render and every filter. Rows here all
 * have one height, so none of that is needed. A browser also caps an element's height (Chrome near
 * 33.5 million px, Firefox near 17.9 million): past `MAX_BODY_PX` the body keeps that height and the
 * scroll position maps proportionally onto the rows, so the last of a million rows is still reachable.
 */

/** Well under every browser's cap on an element's height. */
export const MAX_BODY_PX = 8_000_000;

export interface RowWindowInput {
  total: number;
  rowHeight: number;
  /** The scroller's scrollTop. */
  scrollTop: number;
  /** The height in view below the sticky header. */
  viewHeight: number;
  overscan: number;
}

export interface RowWindow {
  /** The body's height in px (the rows' total, or `MAX_BODY_PX`). */
  bodyHeight: number;
  /** First and last row index to render (last < first when there are none). */
  first: number;
  last: number;
  /** A row's offset from the top of the body, in px. */
  top(index: number): number;
}

/** How far the rows' own offset (all rows laid end to end) moves per px the scroller moves. */
function scale(total: number, rowHeight: number, viewHeight: number): { bodyHeight: number; ratio: number } {
  const rowsHeight = total * rowHeight;
  if (rowsHeight <= MAX_BODY_PX) return { bodyHeight: rowsHeight, ratio: 1 };
  const view = Math.max(0, Math.min(viewHeight, MAX_BODY_PX - 1));
  return { bodyHeight: MAX_BODY_PX, ratio: (rowsHeight - view) / (MAX_BODY_PX - view) };
}

export function rowWindow({ total, rowHeight, scrollTop, viewHeight, overscan }: RowWindowInput): RowWindow {
  const { bodyHeight, ratio } = scale(total, rowHeight, viewHeight);
  const scroll = Math.max(0, scrollTop);
  const offset = scroll * ratio;
  const first = Math.max(0, Math.floor(offset / rowHeight) - overscan);
  const last = Math.min(total - 1, Math.ceil((offset + Math.max(viewHeight, 0)) / rowHeight) + overscan);
  return { bodyHeight, first, last, top: (index) => scroll + index * rowHeight - offset };
}

/** The scrollTop that brings row `index` into view, moving as little as possible ("auto"), or undefined if it is in view. */
export function scrollTopFor(
  index: number,
  { total, rowHeight, scrollTop, viewHeight }: Omit<RowWindowInput, 'overscan'>,
): number | undefined {
  const { ratio } = scale(total, rowHeight, viewHeight);
  const offset = Math.max(0, scrollTop) * ratio;
  const rowTop = index * rowHeight;
  // Rounded towards showing the whole row: a scaled scroll position moves the rows `ratio` px per px.
  if (rowTop < offset) return Math.floor(rowTop / ratio);
  if (rowTop + rowHeight > offset + viewHeight) return Math.ceil((rowTop + rowHeight - viewHeight) / ratio);
  return undefined;
}
