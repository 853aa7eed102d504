export type Theme = 'light' | 'dark';

/** Light or dark, from the page's own theme markers, else from its background colour. */
export function pageTheme(doc: Document): Theme {
  for (const element of [doc.documentElement, doc.body]) {
    if (!element) continue;
    const classes = element.getAttribute('class') ?? '';
    if (/\b(dark|dark-theme|dark-mode)\b/.test(classes)) return 'dark';
    if (/\b(light|light-theme|light-mode)\b/.test(classes)) return 'light';
    const mode = element.getAttribute('data-mode') ?? element.getAttribute('data-theme');
    if (mode === 'dark' || mode === 'light') return mode;
  }
  const view = doc.defaultView;
  if (!view || !doc.body) return 'light';
  const match = view.getComputedStyle(doc.body).backgroundColor.match(/\d+(\.\d+)?/g);
  if (!match || match.length < 3 || (match.length === 4 && Number(match[3]) === 0)) {
    return view.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }
  const [red, green, blue] = match.map(Number) as [number, number, number];
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 128 ? 'dark' : 'light';
}
