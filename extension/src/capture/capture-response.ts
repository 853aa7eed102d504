import type { ModelSource } from '../../../shared/annotation.ts';
import { hashId } from '../../../shared/export/hash.ts';
import type { Message, Variant } from '../../../shared/index.ts';
import { LIMITS } from '../../../shared/limits.ts';
import type { PageTurn, SiteAdapter } from '../sites/define-site-adapter.ts';
import { addOmitted, noneOmitted, type Omitted } from './placeholders.ts';
import { synthesizeMessageId } from './response-key.ts';
import { toMarkdown } from './to-markdown.ts';
import { contentRules, markdownRules } from './turn-rules.ts';

export { responseKey, synthesizeMessageId } from './response-key.ts';
export { turnHasText } from './turn-rules.ts';

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
  /** The model's visible reasoning (thoughts, thinking), never part of `response`; absent when none shows. */
  reasoning?: string;
  variant: Variant | null;
  /**
   * Earlier turns left out of `context`: virtualized away before the content script saw them, or the
   * oldest ones dropped to stay within LIMITS (500 turns, 4,000,000 characters).
   */
  missingContextTurns: number;
  /**
   * What the context and response hold only as placeholders (`[image: …]`), counted by kind (kinds seen
   * only); absent when the capture is complete but for `missingContextTurns`.
   */
  completeness?: Partial<Omitted>;
}

/** One turn as read: its markdown and what it shows only as placeholders. */
export interface TurnReading {
  text: string;
  omitted: Omitted;
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

/** The turn's content as markdown, its reasoning left out; empty when the turn has no content element. */
export function readTurn(adapter: SiteAdapter, turn: PageTurn): TurnReading {
  const omitted = noneOmitted();
  const content = adapter.content(turn);
  return { text: content ? toMarkdown(content, { ...contentRules(adapter, turn), omitted }) : '', omitted };
}

/** The turn's content as markdown (see `readTurn`). */
export function turnText(adapter: SiteAdapter, turn: PageTurn): string {
  return readTurn(adapter, turn).text;
}

/** The reasoning an assistant turn shows, as markdown; empty when it shows none. */
export function turnReasoning(adapter: SiteAdapter, turn: PageTurn): string {
  const parts = (adapter.reasoning?.(turn) ?? []).map((element) => toMarkdown(element, markdownRules(adapter)));
  return parts.filter(Boolean).join('\n\n');
}

export interface CaptureOptions {
  /** Turns seen earlier, for context the page has virtualized away. */
  memory?: TurnMemory;
  /** How to read a turn; the content script passes a cached reader. */
  read?: (turn: PageTurn) => TurnReading;
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
  { memory = new Map(), read = (turn) => readTurn(adapter, turn) }: CaptureOptions = {},
): ResponseCapture | null {
  const conversationId = adapter.conversationId(new URL(url));
  if (!conversationId) return null;
  const placed = placeTurns(adapter.turns(doc));
  const targetIndex = placed.findIndex((turn) => turn.element === turnElement);
  const target = placed[targetIndex];
  if (target?.role !== 'assistant' || adapter.isStreaming(target, doc)) return null;
  const reading = read(target);
  const response = reading.text;
  if (!response) return null;
  const omitted = noneOmitted();
  addOmitted(omitted, reading.omitted);

  const seen = new Map<number, Message>();
  for (const turn of placed.slice(0, targetIndex)) {
    if (turn.role === null) continue;
    const { text, omitted: inTurn } = read(turn);
    if (!text) continue;
    seen.set(turn.place, { role: turn.role, content: text });
    addOmitted(omitted, inTurn);
  }
  const context: Message[] = [];
  let missingContextTurns = 0;
  let gap = 0;
  for (let place = 0; place < target.place; place++) {
    const message = seen.get(place) ?? memory.get(place);
    if (!message) {
      missingContextTurns += 1;
      gap += 1;
      continue;
    }
    context.push(gap > 0 ? afterGap(message, gap) : message);
    gap = 0;
  }

  // Keep the most recent turns when a very long conversation would exceed the shared limits.
  let contextChars = context.reduce((sum, message) => sum + message.content.length, 0);
  while (context.length > LIMITS.contextMessages || contextChars > LIMITS.contextChars) {
    contextChars -= context.shift()?.content.length ?? 0;
    missingContextTurns += 1;
  }

  const model = adapter.model(target, doc);
  const variant = adapter.variant(target);
  const reasoning = turnReasoning(adapter, target);
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
    ...(reasoning && { reasoning: reasoning.slice(0, LIMITS.textChars) }),
    variant: variant ? { ...variant, group } : null,
    missingContextTurns,
    ...completenessOf(omitted),
  };
}

/** The message right after turns the page never rendered says how many were there. */
function afterGap(message: Message, gap: number): Message {
  const note = `[${gap === 1 ? '1 earlier turn' : `${gap} earlier turns`} not rendered]`;
  if (message.content.length + note.length + 2 > LIMITS.textChars) return message;
  return { ...message, content: `${note}\n\n${message.content}` };
}

function completenessOf(omitted: Omitted): { completeness?: Partial<Omitted> } {
  const seen = Object.entries(omitted).filter(([, count]) => count > 0);
  return seen.length > 0 ? { completeness: Object.fromEntries(seen) } : {};
}
