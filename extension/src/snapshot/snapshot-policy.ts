/**
 * What a page snapshot ("Report a broken page", docs/capture.md) keeps of a chat page. The snapshot is
 * meant to be attached to a public bug report, so it keeps structure and drops content: every
 * attribute NAME is kept; an attribute VALUE only when it is listed here.
 */

/**
 * Values kept as they are, after id-like tokens are masked: class names, roles, states and the
 * enumerated values the site adapters match (`data-message-author-role="assistant"`, `data-testid`).
 * None of them holds what a person wrote or read.
 */
export const KEPT_VALUES: ReadonlySet<string> = new Set([
  // Structure and state.
  'class',
  'role',
  'type',
  'dir',
  'slot',
  'tabindex',
  'contenteditable',
  'draggable',
  'hidden',
  'inert',
  'disabled',
  'checked',
  'selected',
  'open',
  'readonly',
  'multiple',
  'spellcheck',
  'translate',
  'inputmode',
  'enterkeyhint',
  'colspan',
  'rowspan',
  'start',
  'width',
  'height',
  // SVG drawing attributes (icons), never text.
  'viewbox',
  'xmlns',
  'fill',
  'stroke',
  'stroke-width',
  'stroke-linecap',
  'stroke-linejoin',
  'fill-rule',
  'clip-rule',
  'fonticon',
  // ARIA states (labels and descriptions are text: see PLACEHOLDER_VALUES).
  'aria-atomic',
  'aria-busy',
  'aria-checked',
  'aria-current',
  'aria-disabled',
  'aria-expanded',
  'aria-haspopup',
  'aria-hidden',
  'aria-invalid',
  'aria-level',
  'aria-live',
  'aria-modal',
  'aria-multiline',
  'aria-orientation',
  'aria-posinset',
  'aria-pressed',
  'aria-readonly',
  'aria-required',
  'aria-selected',
  'aria-setsize',
  'aria-sort',
  'aria-valuemax',
  'aria-valuemin',
  'aria-valuenow',
  // Enumerated data attributes the adapters (or their UI libraries) use.
  'data-testid',
  'data-test-id',
  'data-state',
  'data-side',
  'data-align',
  'data-orientation',
  'data-disabled',
  'data-highlighted',
  'data-theme',
  'data-message-author-role',
  'data-message-role',
  'data-message-type',
  'data-message-part-type',
  'data-message-model-slug',
  'data-turn',
  'data-turn-role',
  'data-content',
  'data-is-streaming',
  'data-is-intersecting',
  'data-complete',
  'data-lexical-text',
  'data-language',
  'data-index',
  'data-rs-index',
]);

/**
 * Values that are text a person reads (labels, tooltips, image descriptions, form values): replaced,
 * like text nodes, by placeholder characters of the same length, so the snapshot still shows that a
 * button had a short label without saying which.
 */
export const PLACEHOLDER_VALUES: ReadonlySet<string> = new Set([
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'aria-placeholder',
  'title',
  'alt',
  'placeholder',
  'data-placeholder',
  'label',
  'summary',
  'abbr',
  'value',
]);

/** Inline styles are kept for layout only (sanitizeStyle). */
export const STYLE_ATTRIBUTE = 'style';

/** Elements left out entirely: code and data, not structure (a script may hold the whole conversation as JSON). */
export const DROPPED_ELEMENTS: ReadonlySet<string> = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'link',
  'meta',
  'base',
  'object',
  'embed',
]);

/** Margin's own elements: kept as empty markers (where controls were attached), their closed roots unread. */
export const MARGIN_ELEMENTS: ReadonlySet<string> = new Set(['margin-annotator', 'margin-selection']);

/** The character every non-newline character of a text becomes. */
export const PLACEHOLDER = 'x';

/** A page with more elements than this is cut off (and says so): the file stays small enough to attach. */
export const MAX_ELEMENTS = 150_000;

/**
 * Tokens that look like identifiers, masked even inside kept values: UUIDs, long hexadecimal or
 * decimal runs, and long runs of letters and digits (session or message ids).
 */
const ID_LIKE = [
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
  /(?=[A-Za-z0-9_]*\d)[A-Za-z0-9_]{16,}/g,
  /(?=[0-9a-f]*\d)[0-9a-f]{8,}/gi,
  /\d{6,}/g,
];
/** Class names keep short hashes (`_63c77b1`, `css-1dbjc4n`): a renamed hash is what a report must show. */
const CLASS_ID_LIKE = ID_LIKE.slice(0, 2);

/** `value` with every id-like token replaced by `{id}`. */
export function maskIds(value: string, patterns: readonly RegExp[] = ID_LIKE): string {
  return patterns.reduce((masked, pattern) => masked.replace(pattern, '{id}'), value);
}

/** Same length, nothing readable: every character but a line break becomes the placeholder. */
export function placeholderText(text: string): string {
  return text.replace(/[^\n]/g, PLACEHOLDER);
}

/** Inline-style properties kept (virtualized lists place and hide rows with them); the rest is dropped. */
const STYLE_PROPERTIES: ReadonlySet<string> = new Set([
  'display',
  'visibility',
  'position',
  'top',
  'left',
  'right',
  'bottom',
  'inset',
  'width',
  'height',
  'min-width',
  'min-height',
  'max-width',
  'max-height',
  'transform',
  'overflow',
  'overflow-x',
  'overflow-y',
  'opacity',
  'z-index',
  'order',
  'content-visibility',
  'pointer-events',
]);
const STYLE_KEYWORDS: ReadonlySet<string> = new Set([
  'none',
  'block',
  'inline',
  'inline-block',
  'flex',
  'inline-flex',
  'grid',
  'contents',
  'hidden',
  'visible',
  'collapse',
  'absolute',
  'relative',
  'fixed',
  'sticky',
  'static',
  'auto',
  'scroll',
  'clip',
  'initial',
  'inherit',
  'unset',
]);
const STYLE_NUMBER = /^-?(\d+\.?\d*|\.\d+)(px|em|rem|%|vh|vw|vmin|vmax|fr|deg|ch)?$/;
const STYLE_FUNCTION = /^(translate|translatex|translatey|translate3d|scale|rotate)\(([^()]*)\)$/;

/** A style value made of numbers, a few layout keywords and transform functions of numbers only. */
function isLayoutValue(value: string): boolean {
  return value
    .toLowerCase()
    .replace(/\s*,\s*/g, ',')
    .split(/\s+/)
    .every((token) => {
      if (STYLE_KEYWORDS.has(token) || STYLE_NUMBER.test(token)) return true;
      const call = STYLE_FUNCTION.exec(token);
      return call !== null && (call[2] ?? '').split(',').every((argument) => STYLE_NUMBER.test(argument));
    });
}

/**
 * An inline style reduced to layout: the listed properties whose values are numbers and layout
 * keywords. Anything else (URLs, strings, custom properties, fonts, colours) is dropped, since a
 * value could carry a name or a word of the conversation.
 */
export function sanitizeStyle(style: string): string {
  return style
    .split(';')
    .map((declaration) => {
      const colon = declaration.indexOf(':');
      if (colon < 0) return null;
      const property = declaration.slice(0, colon).trim().toLowerCase();
      const value = declaration.slice(colon + 1).trim();
      return STYLE_PROPERTIES.has(property) && value !== '' && isLayoutValue(value) ? `${property}: ${value}` : null;
    })
    .filter((declaration) => declaration !== null)
    .join('; ');
}

/** The value an attribute keeps in a snapshot ('' when only its name is kept). */
export function snapshotAttributeValue(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'class') return maskIds(value, CLASS_ID_LIKE);
  if (KEPT_VALUES.has(lower)) return maskIds(value);
  if (PLACEHOLDER_VALUES.has(lower)) return placeholderText(value);
  if (lower === STYLE_ATTRIBUTE) return sanitizeStyle(value);
  return '';
}
