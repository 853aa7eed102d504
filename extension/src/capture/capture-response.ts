import type { ModelSource } from '../../../shared/annotation.ts';
import { hashId } from '../../../shared/export/hash.ts';
import type { Message, Variant } from '../../../shared/index.ts';
import { LIMITS } from '../../../shared/limits.ts';
import type { PageTurn, SiteAdapter } from '../sites/define-site-adapter.ts';
import { toMarkdown } from './to-markdown.ts';

/** Everything about one assistant response that an annotation records, read from the page at one moment. */
export interface ResponseCapture {
  site: string;
  url: string;
  conversationId: string;
  messageId: string;
  model: string | null;
  modelSource: ModelSource;
  /** Every earlier turn, in order, with roles. */
  context: Message[];
  response: string;
  variant: Variant | null;
  /**
   * Earlier turns left out of `context`: virtualized away before the content script saw them, or the
   * oldest ones dropped to stay within LIMITS (500 turns, 4,000,000 characters).
   */
  missingContextTurns: number;
}

/** Turns seen earlier in this conversation, by position, so virtualized-away context is not lost. */
export type TurnMemory = Map<number, Message>;

interface PlacedTurn extends PageTurn {
  /** Position in the conversation: the page's own, else one more than the turn before. */
  place: number;
}

/** Gives every turn a position: the page's where it has one, else counted from the turn before. */
export function placeTurns(turns: readonly PageTurn[]): PlacedTurn[] {
  let previous = -1;
  return turns.map((turn) => {
    const place = turn.position ?? previous + 1;
    previous = place;
    return { ...turn, place };
  });
}

/** The turn's content as markdown; empty when the turn has no content element. */
export function turnText(adapter: SiteAdapter, turn: PageTurn): string {
  const content = adapter.content(turn);
  if (!content) return '';
  return toMarkdown(content, {
    skip: adapter.skip?.bind(adapter),
    codeLanguage: adapter.codeLanguage?.bind(adapter),
    isInlineCode: adapter.isInlineCode?.bind(adapter),
    unwrap: adapter.unwrap?.bind(adapter),
  });
}

/** A message id for sites that have none: the same response at the same place always gets the same id. */
export function synthesizeMessageId(conversationId: string, position: number, response: string): string {
  return `m-${hashId(`${conversationId}:${position}:${hashId(response)}`)}`;
}

export interface CaptureOptions {
  /** Turns seen earlier, for context the page has virtualized away. */
  memory?: TurnMemory;
  /** How to read a turn's markdown; the content script passes a cached reader. */
  readText?: (turn: PageTurn) => string;
}

/**
 * Reads one assistant response and its context. Returns null when the response cannot be captured
 * safely (no conversation id yet, still streaming, no content), so no annotation is ever attached to
 * the wrong message.
 */
export function captureResponse(
  adapter: SiteAdapter,
  doc: Document,
  url: string,
  turnElement: Element,
  { memory = new Map(), readText = (turn) => turnText(adapter, turn) }: CaptureOptions = {},
): ResponseCapture | null {
  const conversationId = adapter.conversationId(new URL(url));
  if (!conversationId) return null;
  const placed = placeTurns(adapter.turns(doc));
  const targetIndex = placed.findIndex((turn) => turn.element === turnElement);
  const target = placed[targetIndex];
  if (target?.role !== 'assistant' || adapter.isStreaming(target, doc)) return null;
  const response = readText(target);
  if (!response) return null;

  const seen = new Map<number, Message>();
  for (const turn of placed.slice(0, targetIndex)) {
    if (turn.role === null) continue;
    const content = readText(turn);
    if (content) seen.set(turn.place, { role: turn.role, content });
  }
  const context: Message[] = [];
  let missingContextTurns = 0;
  for (let place = 0; place < target.place; place++) {
    const message = seen.get(place) ?? memory.get(place);
    if (message) context.push(message);
    else missingContextTurns += 1;
  }

  // Keep the most recent turns when a very long conversation would exceed the shared limits.
  let contextChars = context.reduce((sum, message) => sum + message.content.length, 0);
  while (context.length > LIMITS.contextMessages || contextChars > LIMITS.contextChars) {
    contextChars -= context.shift()?.content.length ?? 0;
    missingContextTurns += 1;
  }

  const model = adapter.model(target, doc);
  const variant = adapter.variant(target);
  const promptTurn = placed
    .slice(0, targetIndex)
    .reverse()
    .find((turn) => turn.role === 'user');
  const group = promptTurn
    ? `g-${hashId(`${conversationId}:${adapter.nativeMessageId(promptTurn) ?? promptTurn.place}`)}`
    : null;
  return {
    site: adapter.id,
    url,
    conversationId,
    messageId: adapter.nativeMessageId(target) ?? synthesizeMessageId(conversationId, target.place, response),
    model: model.name,
    modelSource: model.source,
    context,
    response,
    variant: variant ? { ...variant, group } : null,
    missingContextTurns,
  };
}

/**
 * The same key as `annotationKey` in shared/annotation.ts (a test checks they agree), repeated here
 * because importing that module would pull zod into the content script.
 */
export function responseKey(site: string, conversationId: string, messageId: string): string {
  return `${site}:${conversationId}:${messageId}`;
}
