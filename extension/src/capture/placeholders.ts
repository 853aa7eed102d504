/**
 * What a capture cannot read, named in the text where it was (docs/capture.md, "Completeness"): an
 * image, an attached file, an artifact or canvas, or a tool's output. The text gets a placeholder
 * (`[image: chart.png]`) and the capture counts each kind, so an annotation says it is partial.
 */
export type PlaceholderKind = 'image' | 'file' | 'artifact' | 'toolOutput';

export interface Placeholder {
  kind: PlaceholderKind;
  /** An image's alt text or file name, a file's name, an artifact's title; null when the page shows none. */
  name: string | null;
}

/**
 * How many of each kind a capture replaced with a placeholder, named as the annotation's completeness
 * counts are (`capture.images`, … in its metadata; shared/capture-completeness.ts).
 */
export interface Omitted {
  images: number;
  files: number;
  artifacts: number;
  toolOutputs: number;
}

/** Which count a placeholder of each kind adds to. */
export const COUNTED_AS: Record<PlaceholderKind, keyof Omitted> = {
  image: 'images',
  file: 'files',
  artifact: 'artifacts',
  toolOutput: 'toolOutputs',
};

export function noneOmitted(): Omitted {
  return { images: 0, files: 0, artifacts: 0, toolOutputs: 0 };
}

/** Adds `more` into `total`. */
export function addOmitted(total: Omitted, more: Omitted): void {
  for (const kind of Object.keys(total) as (keyof Omitted)[]) total[kind] += more[kind];
}

/** The text standing in for what was there. */
export function placeholderText({ kind, name }: Placeholder): string {
  switch (kind) {
    case 'image':
      return `[image: ${name ?? 'image'}]`;
    case 'file':
      return `[file: ${name ?? 'file'}]`;
    case 'artifact':
      return `[artifact: ${name ?? 'untitled'}]`;
    case 'toolOutput':
      return '[tool output not captured]';
  }
}

/** Images this small (by their width/height attributes) are icons: favicons, avatars, badges. */
const ICON_PIXELS = 32;

/**
 * What the page's own markup says an element is, on any site: `img` (an icon or an image with an
 * empty alt, which HTML defines as decoration, is left out: `'decoration'`), `canvas`, `iframe`,
 * `video`, `audio` and `a[download]`. Null for everything else.
 */
export function standardPlaceholder(element: Element): Placeholder | 'decoration' | null {
  switch (element.localName) {
    case 'img': {
      const alt = element.getAttribute('alt');
      if (alt !== null && alt.trim() === '') return 'decoration';
      if (isIcon(element)) return 'decoration';
      return { kind: 'image', name: oneLine(alt) || fileName(element.getAttribute('src')) };
    }
    case 'canvas':
      return { kind: 'artifact', name: label(element) ?? 'canvas' };
    case 'iframe':
      return { kind: 'artifact', name: label(element) };
    case 'video':
    case 'audio':
      return { kind: 'file', name: label(element) ?? fileName(element.getAttribute('src')) };
    case 'a':
      if (!element.hasAttribute('download')) return null;
      return { kind: 'file', name: oneLine(element.getAttribute('download')) || oneLine(element.textContent) || null };
    default:
      return null;
  }
}

function isIcon(image: Element): boolean {
  const width = Number(image.getAttribute('width'));
  const height = Number(image.getAttribute('height'));
  return (width > 0 && width <= ICON_PIXELS) || (height > 0 && height <= ICON_PIXELS);
}

function label(element: Element): string | null {
  return oneLine(element.getAttribute('aria-label') ?? element.getAttribute('title')) || null;
}

function oneLine(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** The last path segment of an image or file URL (`chart.png`), never a data or blob URL's body. */
export function fileName(src: string | null): string | null {
  if (!src || /^(data|blob):/i.test(src)) return null;
  const path = src.split(/[?#]/)[0] ?? '';
  const last = path.split('/').filter(Boolean).at(-1);
  if (!last) return null;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
