import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { HOST_TAG } from './mount-controls.ts';
import { fixedBottom, placePanel } from './panel-placement.ts';
import PANELS_CSS from './panels/panels.css?inline';

export interface PanelOverlayProps {
  /** The bar the panel belongs to: it opens next to it. */
  anchor: { current: HTMLElement | null };
  /** The dialog's accessible name ("Comment", "Compare variants"…). */
  label: string;
  /** Esc (or the panel's Cancel): close, and give the focus back to the button that opened it. */
  onClose: () => void;
  children: ComponentChildren;
}

/** Anything of ours (hosts are `margin-*`) is not the page's composer. */
const ours = (element: Element) => element.localName.startsWith('margin-') || element.localName === HOST_TAG;

/**
 * A panel as an overlay anchored to its bar: in the top layer (a manual popover; fixed where popovers
 * are missing), so it never takes room in the page's flow and never pushes the site's own buttons.
 * It is placed by `placePanel` (inside the viewport, above a fixed composer) and follows the bar on
 * scroll and resize.
 */
export function PanelOverlay({ anchor, label, onClose, children }: PanelOverlayProps) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useLayoutEffect(() => {
    const panel = ref.current;
    const view = panel?.ownerDocument.defaultView;
    if (!panel || !view) return;
    if (typeof panel.showPopover === 'function') panel.showPopover();
    const doc = panel.ownerDocument;
    let frame = 0;
    const place = () => {
      const bar = anchor.current;
      if (!bar || !panel.isConnected) return;
      const bottom = fixedBottom(doc, ours);
      const rect = bar.getBoundingClientRect();
      const size = panel.getBoundingClientRect();
      const at = placePanel(
        rect,
        { width: size.width, height: panel.scrollHeight + (size.height - panel.clientHeight) },
        { width: doc.documentElement.clientWidth || view.innerWidth, height: view.innerHeight, bottom },
      );
      panel.style.top = `${at.top}px`;
      panel.style.left = `${at.left}px`;
      panel.style.maxHeight = `${at.maxHeight}px`;
      panel.dataset.side = at.side;
    };
    const later = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(place);
    };
    // A bar under a fixed composer (or above the viewport) is brought into view first.
    const bar = anchor.current;
    if (bar) {
      const rect = bar.getBoundingClientRect();
      if (rect.bottom > fixedBottom(doc, ours) || rect.top < 0) bar.scrollIntoView({ block: 'center' });
    }
    place();
    view.addEventListener('resize', later);
    view.addEventListener('scroll', later, { capture: true, passive: true });
    const sized = new ResizeObserver(later);
    sized.observe(panel);
    return () => {
      cancelAnimationFrame(frame);
      sized.disconnect();
      view.removeEventListener('resize', later);
      view.removeEventListener('scroll', later, { capture: true });
      if (typeof panel.hidePopover === 'function' && panel.matches(':popover-open')) panel.hidePopover();
    };
  }, [anchor]);

  // The panels' styles come with them, not with the content script (panels/panels.css).
  return (
    <>
      <style>{PANELS_CSS}</style>
      <div
        ref={ref}
        class="overlay"
        popover="manual"
        role="dialog"
        aria-label={label}
        onKeyDown={(event) => {
          if (event.key !== 'Escape') return;
          event.preventDefault();
          close.current();
        }}
      >
        {children}
      </div>
    </>
  );
}
