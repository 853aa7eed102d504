/** The close function of the one panel open on this page (across every response's controls). */
let current: (() => void) | null = null;

/**
 * Registers the panel that just opened, closing the one open elsewhere: one panel at a time on the
 * page, so two overlays never stack. Returns the release to call when this panel closes.
 */
export function claimPanel(close: () => void): () => void {
  if (current && current !== close) current();
  current = close;
  return () => {
    if (current === close) current = null;
  };
}
