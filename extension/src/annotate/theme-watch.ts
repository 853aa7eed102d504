import { pageTheme, type Theme } from './theme.ts';

/** The attributes sites switch their theme with (on <html> or <body>). */
const THEME_ATTRIBUTES = ['class', 'data-theme', 'data-mode', 'style'];

/**
 * Calls `onChange` with the page's theme (pageTheme) now, then whenever it changes: the site's own
 * switch (a class or attribute on <html>/<body>) or the system's colour scheme. Only those two elements
 * are watched, for those attributes, so this costs nothing while the person chats. The theme is read
 * only then (`pageTheme` may need the page's computed style: a forced style pass, if read after each
 * host placed). Returns the stop function.
 */
export function watchTheme(doc: Document, onChange: (theme: Theme) => void): () => void {
  let theme = pageTheme(doc);
  onChange(theme);
  const check = () => {
    const next = pageTheme(doc);
    if (next === theme) return;
    theme = next;
    onChange(next);
  };
  const observer = new MutationObserver(check);
  for (const element of [doc.documentElement, doc.body]) {
    if (element) observer.observe(element, { attributes: true, attributeFilter: THEME_ATTRIBUTES });
  }
  const media = doc.defaultView?.matchMedia?.('(prefers-color-scheme: dark)');
  media?.addEventListener('change', check);
  return () => {
    observer.disconnect();
    media?.removeEventListener('change', check);
  };
}
