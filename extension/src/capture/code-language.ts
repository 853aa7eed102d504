/**
 * The language of a code block, read the way sites show it, most reliable first:
 * 1. a `language-*` (or `lang-*`) class on the `code`, the `pre` or a wrapper of the block (highlighters);
 * 2. a `data-language`-like attribute on the same elements;
 * 3. the site adapter's own rule, where it knows one;
 * 4. a label in the block's header or footer, beside the code: a short text that names a known
 *    language ("html", "Go", "SQL"), or any one word in an element whose class or attribute says "lang".
 * The label found in step 4 is returned too, so the caller leaves it out of the text.
 */
export interface CodeLanguage {
  language: string;
  /** The header element that showed the language (not part of the code), when one was read. */
  label: Element | null;
}

const CLASS_PATTERN = /(?:^|\s)(?:language|lang)-([\w#+.-]+)/;
const ATTRIBUTE_PATTERN = /^data-(?:code-)?lang(?:uage)?$/;
/** The answer's own blocks: never a code block's header. */
const PROSE = 'p, ul, ol, li, table, blockquote, h1, h2, h3, h4, h5, h6';
/** A block's wrapper is at most this many levels above its `pre`. */
const BLOCK_DEPTH = 4;
/** A wrapper whose own text (outside the code) is longer than this is prose, not a code block's chrome. */
const CHROME_CHARS = 80;

// Names (and the usual aliases) that highlighters and sites print above code. Lower case.
const KNOWN = new Set(
  `abap ada apex applescript arduino asm assembly awk bash basic bat batch bibtex c c# c++ cairo clojure cmake
  cobol coffeescript cpp crystal cs csharp css csv cuda cypher d dart diff django docker dockerfile dot elixir elm
  erb erlang excel f# fish fortran fsharp gdscript gherkin glsl go golang gql gradle graphql groovy haml handlebars
  haskell hcl hlsl html http ini java javascript jinja jq js json json5 jsonc jsx julia jupyter kotlin kt latex less
  liquid lisp lua makefile markdown matlab md mermaid mojo mysql nginx nim nix objc objective-c objectivec ocaml
  pascal perl php plaintext plpgsql postgres postgresql powershell prisma prolog properties proto protobuf ps ps1
  pug py python r racket razor rb regex rego rs ruby rust sas sass scala scheme scss sh shell smalltalk solidity
  sparql sql sqlite svelte swift tcl terraform tex text toml ts tsx turtle twig txt typescript v vb vba vbnet verilog
  vhdl vim vue wasm wgsl xml yaml yml zig zsh`.split(/\s+/),
);

/** The language of the code block `pre`, or an empty language when the page shows none. */
export function codeBlockLanguage(pre: Element, siteRule?: (pre: Element) => string | null): CodeLanguage {
  const code = pre.querySelector('code');
  const block = blockOf(pre);
  const marked = [code, pre, ...wrappers(pre, block)];
  for (const element of marked) {
    const match = element?.getAttribute('class')?.match(CLASS_PATTERN);
    if (match?.[1]) return { language: clean(match[1]), label: null };
  }
  for (const element of marked) {
    for (const name of element?.getAttributeNames() ?? []) {
      const value = ATTRIBUTE_PATTERN.test(name) ? element?.getAttribute(name)?.trim() : '';
      if (value) return { language: clean(value), label: null };
    }
  }
  const site = siteRule?.(pre)?.trim();
  if (site) return { language: clean(site), label: null };
  const label = labelIn(block, code ?? pre) ?? besideLabel(pre);
  return label ? { language: clean(label.text), label: label.element } : { language: '', label: null };
}

/** A header or footer right beside the `pre` (where the block has no wrapper of its own) naming a language. */
function besideLabel(pre: Element): { element: Element; text: string } | null {
  for (const sibling of [pre.previousElementSibling, pre.nextElementSibling]) {
    // A header is a few words of chrome, never a paragraph of the answer.
    if (!sibling || sibling.matches(PROSE) || sibling.querySelector('pre')) continue;
    if ((sibling.textContent?.trim().length ?? 0) > CHROME_CHARS / 2) continue;
    const found = labelIn(sibling, null);
    if (found) return found;
  }
  return null;
}

function clean(language: string): string {
  return language.trim().toLowerCase().replace(/\s+/g, '-');
}

/** The outermost wrapper of `pre` (up to BLOCK_DEPTH levels) that holds no other code and little text. */
function blockOf(pre: Element): Element {
  let block = pre;
  let node = pre.parentElement;
  for (let depth = 0; node && depth < BLOCK_DEPTH; depth++, node = node.parentElement) {
    if (node.querySelectorAll('pre').length !== 1) break;
    const outside = (node.textContent?.length ?? 0) - (pre.textContent?.length ?? 0);
    if (outside > CHROME_CHARS) break;
    block = node;
  }
  return block;
}

function wrappers(pre: Element, block: Element): Element[] {
  const list: Element[] = [];
  for (let node = pre.parentElement; node && pre !== block; node = node.parentElement) {
    list.push(node);
    if (node === block) break;
  }
  return list;
}

/**
 * A label in `block` outside the code `body`: a known language name, or a word marked as the language
 * (an element holding the code is never one).
 */
function labelIn(block: Element, body: Element | null): { element: Element; text: string } | null {
  for (const element of [block, ...Array.from(block.querySelectorAll('*'))]) {
    if (body && (body.contains(element) || element.contains(body))) continue;
    // Inline code names a language only as content ("use the `csv` module").
    if (element.localName === 'code') continue;
    if (element.closest('button, [role="button"]')) continue;
    const text = ownText(element);
    if (!text || text.length > 24) continue;
    if (KNOWN.has(text.toLowerCase())) return { element, text };
    if (/^[\w#+.-]+$/.test(text) && marksLanguage(element)) return { element, text };
  }
  return null;
}

/** The text directly inside `element` (not in its child elements), trimmed. */
function ownText(element: Element): string {
  let text = '';
  for (const child of Array.from(element.childNodes)) if (child.nodeType === 3) text += child.textContent ?? '';
  return text.trim();
}

function marksLanguage(element: Element): boolean {
  for (const name of element.getAttributeNames()) {
    // `lang="en"` says which human language the text is in, not the code's.
    if (name === 'lang') continue;
    if (/lang/i.test(name) || /lang/i.test(element.getAttribute(name) ?? '')) return true;
  }
  return false;
}
