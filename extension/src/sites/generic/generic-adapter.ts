import { defineSiteAdapter, type PageTurn, type SiteAdapter, type TurnRole } from '../define-site-adapter.ts';
import { CLICKABLE, commonAncestor, follows, variantCounter } from '../structure.ts';
import { assignRoles } from './roles.ts';
import { GENERIC_SITE_ID } from './site-id.ts';
import { descend, findThread, isLabel, type Thread, textChildren, visibleText } from './thread.ts';

/**
 * The adapter for a chat app Margin does not know, on an origin the person opted in for it
 * (docs/capture.md, "The generic adapter"). It has no selectors of its own: on the page it is given,
 * it finds the thread (thread.ts), the roles (roles.ts), a selector matching the turns
 * it found (so the content script can follow them as the page changes), and for each answer the row of
 * actions that follows it once it is finished, where its controls go. Ids are synthesized, the model
 * is unknown. Null when the page shows no conversation yet.
 */
export function createGenericAdapter(doc: Document): SiteAdapter | null {
  const thread = findThread(doc);
  if (!thread) return null;
  const container = thread.container;
  const turnSelector = selectorFor(thread, doc);
  const roles = new WeakMap<Element, TurnRole>();

  /** The turn elements now on the page, outermost only, with text. */
  function turnElements(): Element[] {
    const found = Array.from(doc.querySelectorAll(turnSelector));
    return found.filter((element) => !found.some((other) => other !== element && other.contains(element)));
  }

  /** Roles of every turn, decided once per element: alternation needs the whole sequence. */
  function roleOf(element: Element): TurnRole {
    if (!roles.has(element)) {
      const elements = turnElements().filter((candidate) => visibleText(candidate) !== '');
      const assigned = assignRoles(elements);
      elements.forEach((candidate, index) => {
        if (!roles.has(candidate)) roles.set(candidate, assigned[index] ?? null);
      });
    }
    return roles.get(element) ?? null;
  }

  /** The block of the thread holding `turn` (itself, or the question-and-answer pair it is half of). */
  function blockOf(turn: Element): Element {
    let node = turn;
    while (node.parentElement && node.parentElement !== container && container.contains(node.parentElement)) {
      node = node.parentElement;
    }
    return node;
  }

  /** A turn's words without a name or time header beside them. */
  function body(turn: PageTurn): Element {
    const node = descend(turn.element);
    const parts = textChildren(node);
    const substantive = parts.filter((part) => !isLabel(part));
    return parts.length > 1 && substantive.length === 1 ? descend(substantive[0] as Element) : node;
  }

  /**
   * The row of actions after the answer (its clickables between its words and the next turn), which
   * most apps show once it is finished; an answer with none but a later turn after it is finished too
   * (only the last can be streaming), its controls after its words.
   */
  function actions(turn: PageTurn): Element | null {
    const words = body(turn);
    const all = turnElements();
    const next = all[all.indexOf(turn.element) + 1];
    const clickables = Array.from(container.querySelectorAll(CLICKABLE)).filter(
      (element) =>
        follows(element, words) &&
        (!next || follows(next, element)) &&
        !element.closest('pre, margin-annotator') &&
        !element.parentElement?.closest(CLICKABLE),
    );
    const first = clickables[0];
    if (!first) return next ? words : null;
    const row = commonAncestor(clickables);
    return row && row !== container && !row.contains(words) ? row : first.parentElement;
  }

  return defineSiteAdapter({
    id: GENERIC_SITE_ID,
    label: 'Other chat app',
    matches: [],
    selfHosted: true,
    testUrls: ['http://localhost:8080/chat/7f3c2a1b-0000-4000-8000-000000000001'],
    conversationId: genericConversationId,
    turnSelector,
    anchors: [],
    detect: (page) => findThread(page) !== null,

    describeTurn(element) {
      const role = visibleText(element) === '' ? null : roleOf(element);
      return { role, element, position: null };
    },

    turns() {
      return turnElements().map((element) => this.describeTurn(element));
    },

    content: (turn) => body(turn),

    // Visible reasoning is named as such in every app seen (think, thought, reasoning), in a tag, class
    // or data attribute; the outermost such element is read.
    reasoning(turn) {
      const marked = Array.from(turn.element.querySelectorAll('*')).filter(namesReasoning);
      return marked.filter((element) => !marked.some((other) => other !== element && other.contains(element)));
    },

    isStreaming: (turn) => actions(turn) === null,

    anchor: actions,

    variant: (turn) => variantCounter(blockOf(turn.element), body(turn)),
  });
}

const REASONING = /think|thought|reasoning/i;

function namesReasoning(element: Element): boolean {
  if (REASONING.test(element.localName)) return true;
  return element
    .getAttributeNames()
    .some((name) => (name === 'class' || name.startsWith('data-')) && REASONING.test(element.getAttribute(name) ?? ''));
}

/**
 * The conversation id of a generic app's URL: the last path segment that looks like an id (eight
 * characters or more, a digit among them), else `?id=` or `?conversation=`; null on a page without
 * one (a new chat), which gets no controls until it has one.
 */
export function genericConversationId(url: URL): string | null {
  const segment = url.pathname
    .split('/')
    .filter((part) => part.length >= 8 && /\d/.test(part) && /^[\w.~-]+$/.test(part))
    .at(-1);
  return segment ?? url.searchParams.get('conversation') ?? url.searchParams.get('id') ?? null;
}

/**
 * A selector matching the thread's turns, and the turns the page adds later: under the container (by
 * id, else its classes under its parent's), per tag, the data attributes and classes every turn of
 * that tag has; a tag with neither (a bare `div`) is found by its path of tag names from the container.
 */
function selectorFor(thread: Thread, doc: Document): string {
  const base = anchorSelector(thread.container, doc);
  const byTag = new Map<string, Element[]>();
  for (const turn of thread.turns) byTag.set(turn.localName, [...(byTag.get(turn.localName) ?? []), turn]);
  const selectors = new Set<string>();
  for (const [tag, turns] of byTag) {
    const shared = common(
      turns.map((turn) => turn.getAttributeNames().filter((name) => /^(?:data-|role$)/.test(name))),
    );
    const classes = common(turns.map((turn) => Array.from(turn.classList)));
    const own = `${tag}${shared.map((name) => `[${name}]`).join('')}${classes.map((name) => `[class~="${quote(name)}"]`).join('')}`;
    // Only if it finds these turns and no wrapper around them (classes such as `flex` are everywhere).
    if ((own !== tag || tag.includes('-')) && findsExactly(doc, `${base} ${own}`, turns)) {
      selectors.add(`${base} ${own}`);
      continue;
    }
    for (const turn of turns) {
      const steps: string[] = [];
      for (let node: Element | null = turn; node && node !== thread.container; node = node.parentElement) {
        steps.unshift(node.localName);
      }
      selectors.add(`${base} > ${steps.join(' > ')}`);
    }
  }
  return [...selectors].join(', ');
}

/** True when the outermost elements `selector` finds that have text are exactly `turns`. */
function findsExactly(doc: Document, selector: string, turns: Element[]): boolean {
  const found = Array.from(doc.querySelectorAll(selector));
  const outermost = found.filter(
    (element) => visibleText(element) !== '' && !found.some((other) => other !== element && other.contains(element)),
  );
  return outermost.length === turns.length && turns.every((turn) => outermost.includes(turn));
}

/** The items every list has. */
function common(lists: string[][]): string[] {
  const [first = [], ...rest] = lists;
  return first.filter((item) => rest.every((list) => list.includes(item)));
}

/** A selector for `element` alone on the page, from its id or classes and those of its ancestors. */
function anchorSelector(element: Element, doc: Document): string {
  let selector = '';
  for (let node: Element | null = element; node && node !== doc.documentElement; node = node.parentElement) {
    const own = ownSelector(node);
    selector = selector ? `${own} > ${selector}` : own;
    if (node.id || doc.querySelectorAll(selector).length === 1) return selector;
  }
  return selector;
}

function ownSelector(element: Element): string {
  if (element.id) return `${element.localName}[id="${quote(element.id)}"]`;
  const classes = Array.from(element.classList).map((name) => `[class~="${quote(name)}"]`);
  return `${element.localName}${classes.join('')}`;
}

function quote(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}
