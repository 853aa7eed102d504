import {
  DROPPED_ELEMENTS,
  MARGIN_ELEMENTS,
  MAX_ELEMENTS,
  placeholderText,
  snapshotAttributeValue,
} from './snapshot-policy.ts';

/** A page's structure with its content removed, as a standalone HTML document (docs/capture.md). */
export interface PageSnapshot {
  html: string;
  /** Elements written. */
  elements: number;
  /** Turn elements the site's adapter found (marked `data-margin-turn` in the file). */
  turns: number;
  /** True when the page had more than MAX_ELEMENTS elements and the rest was left out. */
  truncated: boolean;
}

export interface SnapshotOptions {
  /** The site adapter's id, written in the file's header (never the page's address). */
  site: string;
  /** The role of each turn element the adapter found (`unknown` for a placeholder). */
  turns?: ReadonlyMap<Element, string>;
  maxElements?: number;
}

const VOID_ELEMENTS = new Set(['area', 'br', 'col', 'hr', 'img', 'input', 'source', 'track', 'wbr']);
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_NODE = 4;

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string) => escapeText(text).replace(/"/g, '&quot;');
/** Names as the parser gave them; anything a name cannot hold is dropped rather than escaped. */
const safeName = (name: string) => name.replace(/[^A-Za-z0-9:._-]/g, '');

/**
 * Writes `doc`'s body as HTML that keeps tags, attribute names, class names, the states listed in
 * snapshot-policy.ts and open shadow roots, and replaces every text by placeholder characters of the
 * same length (whitespace between elements stays). `<head>`, scripts, styles and comments are left
 * out; URLs, ids and other attribute values are removed. Never reads form fields' live values.
 */
export function snapshotDocument(doc: Document, options: SnapshotOptions): PageSnapshot {
  const max = options.maxElements ?? MAX_ELEMENTS;
  const out: string[] = [];
  let elements = 0;
  let truncated = false;

  const attributes = (element: Element): string => {
    let text = '';
    for (const attribute of Array.from(element.attributes)) {
      const name = safeName(attribute.name);
      if (name === '' || name.toLowerCase().startsWith('data-margin-')) continue;
      text += ` ${name}="${escapeAttribute(snapshotAttributeValue(name, attribute.value))}"`;
    }
    const role = options.turns?.get(element);
    if (role !== undefined) text += ` data-margin-turn="${escapeAttribute(role)}"`;
    return text;
  };

  /**
   * The children of `root`, depth first, without recursion (a chat page nests deeply). The stack holds
   * nodes still to write and closing tags (strings) to write once their children are done.
   */
  const writeChildren = (root: Node) => {
    const stack: (Node | string)[] = [];
    const pushAll = (nodes: NodeListOf<ChildNode>) => {
      for (let index = nodes.length - 1; index >= 0; index--) stack.push(nodes[index] as Node);
    };
    pushAll(root.childNodes);
    for (let task = stack.pop(); task !== undefined; task = stack.pop()) {
      if (typeof task === 'string') {
        out.push(task);
        continue;
      }
      if (task.nodeType === TEXT_NODE || task.nodeType === CDATA_NODE) {
        const text = task.nodeValue ?? '';
        out.push(text.trim() === '' ? escapeText(text) : placeholderText(text));
        continue;
      }
      if (task.nodeType !== ELEMENT_NODE) continue; // comments, processing instructions
      const element = task as Element;
      const tag = safeName(element.localName);
      if (tag === '' || DROPPED_ELEMENTS.has(tag)) continue;
      if (elements >= max) {
        truncated = true;
        // Close what is open, write nothing more.
        for (const rest of stack.reverse()) if (typeof rest === 'string') out.push(rest);
        return;
      }
      elements += 1;
      out.push(`<${tag}${attributes(element)}>`);
      if (VOID_ELEMENTS.has(tag)) continue;
      stack.push(`</${tag}>`);
      if (MARGIN_ELEMENTS.has(tag)) continue;
      pushAll(element.childNodes);
      // An open shadow root is written first, as declarative shadow DOM.
      const shadow = (element as Element & { shadowRoot?: ShadowRoot | null }).shadowRoot;
      if (shadow) {
        out.push('<template shadowrootmode="open">');
        stack.push('</template>');
        pushAll(shadow.childNodes);
      }
    }
  };

  const body = doc.body;
  const turnCount = options.turns?.size ?? 0;
  out.push('<!doctype html>\n');
  out.push(
    `<!-- Margin page snapshot (docs/capture.md, "Report a broken page"): site ${escapeText(safeName(options.site))}. ` +
      'Every text is replaced by "x" of the same length; URLs, ids and other attribute values are removed. -->\n',
  );
  out.push(`<html${attributes(doc.documentElement)}><head><meta charset="utf-8"></head>`);
  if (body) {
    out.push(`<body${attributes(body)}>`);
    writeChildren(body);
    out.push('</body>');
  }
  out.push('</html>\n');
  if (truncated) out.push(`<!-- cut off after ${max} elements -->\n`);
  return { html: out.join(''), elements, turns: turnCount, truncated };
}
