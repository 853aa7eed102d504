/** A box in viewport coordinates (a `DOMRect` fits). */
export interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface Viewport {
  width: number;
  height: number;
  /** Where the usable viewport ends: the top of a fixed composer at the bottom, else `height`. */
  bottom: number;
}

export interface Placement {
  top: number;
  left: number;
  /** The panel scrolls inside this height when neither side has room for all of it. */
  maxHeight: number;
  side: 'below' | 'above';
}

/** Space kept between the panel and the viewport's edges, and between the panel and the bar. */
export const EDGE = 8;
export const GAP = 4;

/**
 * Where a panel of `size` goes next to the bar it belongs to: below the bar when it fits there (above
 * a fixed composer), else above it, else on the roomier side with a scroll; shifted left or right so
 * it never leaves the viewport (a wide panel near the right edge moves left instead of running off).
 */
export function placePanel(bar: Box, size: { width: number; height: number }, view: Viewport): Placement {
  const floor = Math.min(view.height, view.bottom) - EDGE;
  const below = floor - (bar.bottom + GAP);
  const above = bar.top - GAP - EDGE;
  let side: Placement['side'];
  if (size.height <= below) side = 'below';
  else if (size.height <= above) side = 'above';
  else side = below >= above ? 'below' : 'above';
  const room = Math.max(0, side === 'below' ? below : above);
  const height = Math.min(size.height, room);
  let top = side === 'below' ? bar.bottom + GAP : bar.top - GAP - height;
  // A bar scrolled out of sight still leaves its panel on screen, between the edges.
  top = clamp(top, EDGE, Math.max(EDGE, floor - height));
  const left = clamp(bar.left, EDGE, Math.max(EDGE, view.width - EDGE - size.width));
  return { top, left, maxHeight: room, side };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/**
 * The top of what the page keeps fixed at the bottom of the viewport (a chat composer), or the
 * viewport's height when there is none: panels stay above it. Only elements under the bottom edge
 * are looked at, so this is a handful of style reads.
 */
export function fixedBottom(doc: Document, ignore: (element: Element) => boolean): number {
  const view = doc.defaultView;
  if (!view) return 0;
  const height = view.innerHeight;
  let edge = height;
  const seen = new Set<Element>();
  for (const x of [view.innerWidth / 2, view.innerWidth / 4, (view.innerWidth * 3) / 4]) {
    for (const hit of doc.elementsFromPoint(x, height - 2)) {
      for (let element: Element | null = hit; element && element !== doc.body; element = element.parentElement) {
        if (seen.has(element)) break;
        seen.add(element);
        if (ignore(element)) break;
        const position = view.getComputedStyle(element).position;
        if (position !== 'fixed' && position !== 'sticky') continue;
        const top = element.getBoundingClientRect().top;
        // Only something that sits in the lower half: a header reaching down is not a composer.
        if (top > height / 2) edge = Math.min(edge, top);
        break;
      }
    }
  }
  return edge;
}
