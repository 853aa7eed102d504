import { parseVariantCounter, type VariantInfo } from './define-site-adapter.ts';

/**
 * Structural fallbacks shared by the adapters: what a chat page shows the same way everywhere, so an
 * adapter still finds it when the attribute or class it looks for first is renamed (docs/capture.md,
 * "Layered adapters"). Each adapter tries its site's stable attributes first, then these.
 */

/** Something a person clicks: a `button`, or anything with `role="button"` (DeepSeek's icon `div`s). */
export const CLICKABLE = 'button, [role="button"]';

/** The first element under `root` matching one of `selectors`, tried in order (most reliable first). */
export function firstOf(root: ParentNode, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    const found = root.querySelector(selector);
    if (found) return found;
  }
  return null;
}

/** True when `node` comes after `reference` in document order and is not inside it. */
export function follows(node: Node, reference: Node): boolean {
  return (reference.compareDocumentPosition(node) & 4) !== 0 && !reference.contains(node);
}

/**
 * The site's own action row after the message body: the clickables of `turn` that follow `body` (not
 * inside it, nor inside a code block), and the smallest element holding them all that does not hold
 * `body`. Null while there are none: on most sites the row appears only once the reply is finished.
 */
export function actionRowAfter(turn: Element, body: Element | null): Element | null {
  const clickables = Array.from(turn.querySelectorAll(CLICKABLE)).filter(
    (element) =>
      (!body || follows(element, body)) &&
      !element.closest('pre') &&
      !element.parentElement?.closest(CLICKABLE) &&
      !element.closest('margin-annotator'),
  );
  const first = clickables[0];
  if (!first) return null;
  let row = first.parentElement;
  while (row && row !== turn && !clickables.every((element) => row?.contains(element))) row = row.parentElement;
  if (!row || row === turn || (body && row.contains(body))) return first.parentElement;
  return row;
}

/**
 * A "2 / 3" counter inside `root` but outside `exclude` (the message body, where such text is content):
 * the variant a regenerated response shows, found by its text when its buttons' labels are unknown.
 * Walked in document order without entering `exclude`: a long response costs nothing here.
 */
export function variantCounter(root: Element, exclude: Element | null): VariantInfo | null {
  if (exclude?.contains(root)) return null;
  for (let element = root.firstElementChild; element; element = element.nextElementSibling) {
    if (element === exclude) continue;
    if (element.childElementCount > 0) {
      const inner = variantCounter(element, exclude);
      if (inner) return inner;
      continue;
    }
    if (!LEAVES.has(element.localName)) continue;
    const text = element.textContent?.trim() ?? '';
    if (!/^\d+\s*(?:\/|of)\s*\d+$/.test(text)) continue;
    const variant = parseVariantCounter(text);
    if (variant) return variant;
  }
  return null;
}
const LEAVES = new Set(['span', 'div', 'p']);

/** The deepest common ancestor of `elements` (null for none). */
export function commonAncestor(elements: readonly Element[]): Element | null {
  let common = elements[0] ?? null;
  for (const element of elements.slice(1)) {
    while (common && !common.contains(element)) common = common.parentElement;
  }
  return common;
}

/** `element`'s text without what its clickables say (their icons' labels, "Edit", "Copy"). */
export function ownText(element: Element): string {
  let text = '';
  for (const child of Array.from(element.childNodes)) {
    if (child.nodeType === 3) text += child.textContent ?? '';
    else if (child.nodeType === 1 && !(child as Element).matches(`${CLICKABLE}, svg`))
      text += ownText(child as Element);
  }
  return text.trim();
}

/**
 * The element holding a message's words when the site marks nothing: down from `root` as long as a
 * single child has any text (buttons aside), so the message's own action buttons and empty wrappers
 * are left behind.
 */
export function textBlock(root: Element): Element {
  let node = root;
  for (;;) {
    const withText = Array.from(node.children).filter((child) => !child.matches(CLICKABLE) && ownText(child) !== '');
    const only = withText[0];
    if (withText.length !== 1 || !only || ownText(only).length < ownText(node).length) return node;
    node = only;
  }
}
