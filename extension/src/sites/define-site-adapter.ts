import type { ModelSource } from '../../../shared/annotation.ts';
import type { Placeholder } from '../capture/placeholders.ts';

/** Who wrote a turn; `null` for a virtualized placeholder whose content is not in the DOM. */
export type TurnRole = 'user' | 'assistant' | null;

/** One turn of the thread as the page shows it, in document order. */
export interface PageTurn {
  role: TurnRole;
  /** The element that stands for the whole turn (the unit a virtualized list mounts and unmounts). */
  element: Element;
  /**
   * The turn's place in the conversation (0-based) when the page says it (ChatGPT's
   * `conversation-turn-N`, Claude's `data-index`); null when only document order is known.
   */
  position: number | null;
}

export interface ModelInfo {
  name: string | null;
  source: ModelSource;
}

export interface VariantInfo {
  index: number;
  count: number;
}

/**
 * What Margin knows about one chat site. Adapters are data plus pure functions of a `Document`:
 * they never touch `browser.*`, storage or globals, so a fixture page is all a test needs.
 */
export interface SiteAdapter {
  /** Kebab-case id, equal to the adapter's file name (`chatgpt` for `chatgpt.ts`). */
  id: string;
  /** Name shown to people. */
  label: string;
  /** MV3 match patterns of the pages the content script runs on; empty for a self-hosted app. */
  matches: string[];
  /**
   * Real conversation URLs this adapter must match; the registry test checks them. A self-hosted app
   * gives its documented default origin here (`http://localhost:3000`), never in `matches`.
   */
  testUrls: string[];
  /**
   * An app people run on their own server (Open WebUI, LibreChat): it has no fixed origin, so it has no
   * `matches`. The options page asks for the origin the user adds and registers the content script
   * there at runtime; `detect` tells which app such a page is.
   */
  selfHosted?: boolean;
  /** True when `doc` is a page of this app (required for a self-hosted app, checked on every fixture). */
  detect?(doc: Document): boolean;
  /** The conversation id in `url`, or null when the page has none yet (a new chat before its first answer). */
  conversationId(url: URL): string | null;
  /**
   * A selector matching every turn element (placeholders included). The content script uses it to find
   * turns inside added subtrees and to walk up from a mutated node, so it never rescans the document.
   */
  turnSelector: string;
  /** Attributes whose change can finish a response or (re)mount a turn; observed on the whole page. */
  watchedAttributes: string[];
  /**
   * Every attribute the adapter reads to find turns, roles, content, the finished signal and the anchor
   * (besides `class`). The drift tests remove all others from its fixtures and expect the same capture.
   */
  anchors: string[];
  /** The turn that `element` (a turn element found by `turnSelector`) stands for. */
  describeTurn(element: Element): PageTurn;
  /** Every turn in document order. */
  turns(doc: Document): PageTurn[];
  /** The element whose text is the turn's content (read as markdown); null if the turn has none yet. */
  content(turn: PageTurn): Element | null;
  /** The message id the site puts in the DOM, or null when it has none (Claude). */
  nativeMessageId(turn: PageTurn): string | null;
  /** True while the response is still being written; controls wait until it turns false. */
  isStreaming(turn: PageTurn, doc: Document): boolean;
  /** The model name: per message where the page shows it, else the composer's model picker. */
  model(turn: PageTurn, doc: Document): ModelInfo;
  /**
   * Where our controls go for this assistant turn: right after this element (the site's own action bar,
   * or the content when it has none); null when the turn has no place for them yet.
   */
  anchor(turn: PageTurn): Element | null;
  /** "2/3" regeneration controls on this response, if shown. */
  variant(turn: PageTurn): VariantInfo | null;
  /**
   * The elements of an assistant turn that show the model's reasoning (thoughts, thinking): captured
   * as `reasoning`, left out of the response.
   */
  reasoning?(turn: PageTurn): Element[];
  /**
   * Programming language of a code block (`pre`) where the site has its own way of showing it; the
   * shared reader (capture/code-language.ts) already knows classes, data attributes and header labels.
   */
  codeLanguage?(pre: Element): string | null;
  /** Site markup standing for something unreadable (a file card, an artifact, a tool's output). */
  placeholder?(element: Element): Placeholder | null;
  /** Site chrome inside a turn's content (a code block's language label) that is not part of the text. */
  skip?(element: Element): boolean;
  /** Inline code the site renders as something other than `code` (Grok's monospace `span`). */
  isInlineCode?(element: Element): boolean;
  /** Wrappers that stand for nothing and are read as their children (AI Studio's `ms-cmark-node`). */
  unwrap?(element: Element): boolean;
}

/** The fields `defineSiteAdapter` fills in when an adapter file leaves them out. */
type Defaulted = 'turns' | 'watchedAttributes' | 'nativeMessageId' | 'model' | 'variant';

/** How the conversation id is read: the first group of a path pattern, or a function of the URL. */
type ConversationIdRule =
  | {
      /** Matched against `url.pathname`; its first group is the conversation id (no match: none). */
      conversationPath: RegExp;
      conversationId?: never;
    }
  | { conversationId(url: URL): string | null; conversationPath?: never };

/** How a turn element is described: its role alone (no known position), or the whole `PageTurn`. */
type TurnRule =
  | {
      /** Who wrote the turn `element` stands for; its position is then unknown (document order only). */
      role(element: Element): TurnRole;
      describeTurn?: never;
    }
  | { describeTurn(element: Element): PageTurn; role?: never };

/**
 * What an adapter file writes: only what differs from most sites. Left out, `turns` is every element
 * matching `turnSelector` described in document order, `watchedAttributes` is none, and
 * `nativeMessageId`, `model` and `variant` find nothing. Methods may use `this` for the whole adapter.
 */
export type SiteAdapterDefinition = Omit<SiteAdapter, Defaulted | 'conversationId' | 'describeTurn'> &
  Partial<Pick<SiteAdapter, Defaulted>> &
  ConversationIdRule &
  TurnRule &
  ThisType<SiteAdapter>;

/** Builds a site's adapter from its file's definition, with the shared defaults for what it leaves out. */
export function defineSiteAdapter(definition: SiteAdapterDefinition): SiteAdapter {
  const { conversationPath, role, ...own } = definition;
  const adapter: SiteAdapter = {
    conversationId: (url) => (conversationPath ? (url.pathname.match(conversationPath)?.[1] ?? null) : null),
    describeTurn: (element) => ({ role: role?.call(adapter, element) ?? null, element, position: null }),
    turns: (doc) => Array.from(doc.querySelectorAll(adapter.turnSelector), (element) => adapter.describeTurn(element)),
    watchedAttributes: [],
    nativeMessageId: () => null,
    model: unknownModel,
    variant: () => null,
    ...own,
  };
  return adapter;
}

/** The model `name` as `source` shows it, or unknown when the page shows none (an empty name included). */
export function namedModel(name: string | null | undefined, source: ModelSource): ModelInfo {
  return name ? { name, source } : unknownModel();
}

function unknownModel(): ModelInfo {
  return { name: null, source: 'unknown' };
}

/** Parses "2/3", "2 / 3" or "2 of 3"; null when the text is not a valid counter. */
export function parseVariantCounter(text: string | null | undefined): VariantInfo | null {
  const match = text?.match(/(\d+)\s*(?:\/|of)\s*(\d+)/);
  if (!match) return null;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return index >= 1 && count >= index ? { index, count } : null;
}

/**
 * True when an element matching `selector` comes after `element` in document order, outside it. Costs
 * O(1) for all but the last turn of a thread, where a query over the whole document per turn would
 * cost O(turns²): "is this the turn still streaming" checks use it.
 */
export function hasLater(element: Element, selector: string): boolean {
  for (let node: Element | null = element; node; node = node.parentElement) {
    for (let sibling = node.nextElementSibling; sibling; sibling = sibling.nextElementSibling) {
      if (sibling.matches(selector) || sibling.querySelector(selector)) return true;
    }
  }
  return false;
}

/** Trimmed, single-spaced text of `element`, or null when it is empty. */
export function textOf(element: Element | null | undefined): string | null {
  const text = element?.textContent?.replace(/\s+/g, ' ').trim();
  return text ? text : null;
}
