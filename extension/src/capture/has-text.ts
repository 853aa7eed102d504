import { codeBlocks, hasPreWrap, isHidden, type MarkdownOptions, SKIPPED_TAGS } from './markdown-rules.ts';
import { standardPlaceholder } from './placeholders.ts';

/**
 * Whether `toMarkdown(root, options)` (to-markdown.ts) would be non-empty, without writing it: the
 * content script asks this of every finished response, and reads the text only when it is saved (the
 * reader comes with the capture script, capture/capture-loader.ts). It walks the same elements in the
 * same order, leaves out the same ones (markdown-rules.ts), and stops at the first that would write
 * something that is not whitespace: a word, a placeholder, a code block's fence, a list marker, a
 * table's row, a rule, or inline code's backticks. test/extension/turn-has-text.test.ts holds it to
 * the reader's answer on every turn of every site fixture, edge cases and random trees.
 */
export function hasText(root: Element, options: MarkdownOptions = {}): boolean {
  const walk: Walk = { options, labels: codeBlocks(root, options).labels };
  return childrenWrite(root, walk, hasPreWrap(root));
}

interface Walk {
  options: MarkdownOptions;
  labels: Set<Element>;
}

function childrenWrite(element: Element, walk: Walk, preWrap: boolean): boolean {
  for (const child of Array.from(element.childNodes)) {
    if (
      child.nodeType === 3
        ? /\S/.test(child.textContent ?? '')
        : child.nodeType === 1 && writes(child as Element, walk, preWrap)
    ) {
      return true;
    }
  }
  return false;
}

/** The decisions of to-markdown.ts's `renderElement`, in its order, down to yes or no. */
function writes(element: Element, walk: Walk, preWrap: boolean): boolean {
  const { options } = walk;
  if (isHidden(element) || walk.labels.has(element) || options.skip?.(element)) return false;
  const placeholder = options.placeholder?.(element) ?? standardPlaceholder(element);
  if (placeholder) return placeholder !== 'decoration';
  if (SKIPPED_TAGS.has(element.localName) || element.getAttribute('role') === 'button') return false;
  if (options.isInlineCode?.(element)) return (element.textContent ?? '') !== '';
  if (options.unwrap?.(element)) return childrenWrite(element, walk, preWrap);
  if (!preWrap && hasPreWrap(element)) return childrenWrite(element, walk, true);
  switch (element.localName) {
    case 'pre':
    case 'hr':
      return true;
    case 'br':
      return false;
    case 'code':
      return (element.textContent ?? '') !== '';
    case 'ul':
    case 'ol':
      return listItems(element, walk).some((item) => item.localName === 'li' && !isHidden(item));
    case 'table':
      return Array.from(element.querySelectorAll('tr')).some((row) => row.closest('table') === element);
    default:
      return childrenWrite(element, walk, preWrap);
  }
}

/** A list's children, with unwrapped wrappers replaced by their own children (as the reader's `childrenThrough`). */
function listItems(element: Element, walk: Walk): Element[] {
  return Array.from(element.children).flatMap((child) =>
    walk.options.unwrap?.(child) ? listItems(child, walk) : [child],
  );
}
