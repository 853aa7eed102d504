import { render } from 'preact';
import {
  captureResponse,
  type ResponseCapture,
  readTurn,
  responseKey,
  synthesizeMessageId,
  type TurnMemory,
  type TurnReading,
  turnHasText,
} from '../capture/capture-loader.ts';
import { hasLater, type PageTurn, type SiteAdapter } from '../sites/define-site-adapter.ts';
import type {
  AnnotationChanges,
  ConversationAnnotations,
  ResponseCaptureInput,
  SaveComparisonResult,
  SaveResult,
} from '../utils/annotation-input.ts';
import type { CompareCandidate, Winner } from './compare-candidates.ts';
import { Controls } from './controls.tsx';
import { createConversationStore } from './conversation-state.ts';
import { createNearViewport } from './near-viewport.ts';
import { createOffscreenCensus } from './offscreen-census.ts';
import { PageObserver } from './page-observer.ts';
import { createResponseControls, type Mounted } from './response-controls.ts';
import type { RubricView } from './rubric-form.tsx';
import { createTurnQueue, type PendingTurn, type WaitReason } from './turn-queue.ts';

export interface AnnotatorApi {
  load(site: string, conversationId: string): Promise<ConversationAnnotations>;
  save(capture: ResponseCaptureInput, changes: AnnotationChanges): Promise<SaveResult>;
  compare(a: ResponseCaptureInput, b: ResponseCaptureInput, winner: Winner): Promise<SaveComparisonResult>;
  /** The rubric the options page defines (null: none), read when controls render. */
  rubric(): RubricView | null;
}

/** The parts of WXT's `ContentScriptContext` the annotator uses, so tests can pass their own. */
export interface AnnotatorContext {
  onInvalidated(callback: () => void): () => void;
  readonly isValid: boolean;
}

/** What the health check reads: how far the adapter got on this page. */
export interface AnnotatorCounts {
  conversationId: string | null;
  /** Elements matching the adapter's turn selector (placeholders included). */
  turns: number;
  /** Assistant responses the annotator handles: with controls, streaming or without an anchor. */
  assistantTurns: number;
  /** Finished responses with controls. */
  withControls: number;
  /** Finished responses the adapter found no place for controls in. */
  withoutAnchor: number;
  /** Finished responses with a place for controls but no text the adapter can read. */
  withoutText: number;
  /** Responses waiting for their stream to finish, and how long the oldest has been waiting (ms). */
  streaming: number;
  /** Of those, the ones with a later turn after them: only the last response can really be streaming. */
  stuck: number;
  oldestStreamingMs: number;
  /** Time since the page last changed (ms). */
  quietMs: number;
}

/** Reading `location.href` from a content script is not free: checked at most this often. */
const LOCATION_CHECK_MS = 100;

/**
 * Puts one set of controls next to every finished assistant response of a chat page and keeps it so.
 * One MutationObserver for the page (PageObserver) feeds the turn queue (turn-queue.ts), which hands
 * each touched turn back here once per task; a finished response gets its host from the response
 * controls (response-controls.ts), what the person saved here from conversation-state.ts.
 *
 * Cost is proportional to what is on screen: at load every turn goes to one IntersectionObserver
 * (near-viewport.ts) and nothing else; a finished response gets its host, closed root and Preact
 * controls only once it comes near (on screen at once, within the margin in idle time) or a shortcut
 * moves to it. A streaming response's text is left out of the observer while it waits; a change
 * anywhere else (the site's finished signal) re-checks it soon after.
 */
export function createPageAnnotator(adapter: SiteAdapter, doc: Document, ctx: AnnotatorContext, api: AnnotatorApi) {
  const textCache = new WeakMap<Element, TurnReading>();
  let memory: TurnMemory = new Map();
  let observer: PageObserver | undefined;
  let locationCheckedAt = 0;
  let lastMutationAt = performance.now();
  let turnTotal = 0;
  let turnsCountedAt = -1;
  let href = doc.location.href;
  let conversationId = adapter.conversationId(new URL(href));

  const controls = createResponseControls(doc, renderControls);
  const viewport = createNearViewport(doc, {
    onScreen: (turns) => queue.add(turns),
    soon: (turns) => queue.add(turns),
  });
  const census = createOffscreenCensus(adapter, doc, viewport, () => annotator.onUpdate?.());
  const conversations = createConversationStore(
    (id) => api.load(adapter.id, id),
    () => {
      queue.schedule(0);
      annotator.onUpdate?.();
    },
  );
  const queue = createTurnQueue(adapter.turnSelector, ctx, {
    handle,
    flushed() {
      // The text of streaming responses is left out of the observer: it says nothing about finishing.
      observer?.exclude([...queue.pending.values()].flatMap((waiting) => (waiting.content ? [waiting.content] : [])));
      annotator.onUpdate?.();
    },
    changed: (turn) => textCache.delete(turn),
    near: (turn) => viewport.isNear(turn),
    removed: rememberRemoved,
    mutated() {
      const now = performance.now();
      lastMutationAt = now;
      if (now - locationCheckedAt > LOCATION_CHECK_MS) {
        locationCheckedAt = now;
        checkLocation();
      }
    },
    stop,
  });

  /** Disconnects the observers and removes every control (context invalidated: update or reload). */
  function stop(): void {
    observer?.disconnect();
    observer = undefined;
    viewport.disconnect();
    census.stop();
    controls.stop();
    queue.clear();
  }

  /** On `wxt:locationchange`, and on mutation batches (at most every LOCATION_CHECK_MS). */
  function checkLocation(): void {
    const current = doc.location.href;
    if (current === href) return;
    href = current;
    const id = adapter.conversationId(new URL(current));
    if (id === conversationId) return;
    // A new chat that just got its id keeps what it saw; another conversation starts afresh.
    if (conversationId !== null) memory = new Map();
    conversationId = id;
    revisitAll();
  }

  /**
   * The one pass over every turn (at start, on a new conversation, after a remount): the turns near the
   * viewport are handled again, the others only watched (the observer hands them over when they near).
   */
  function revisitAll(): void {
    const near: Element[] = [];
    const far: Element[] = [];
    for (const element of Array.from(doc.querySelectorAll(adapter.turnSelector))) {
      if (viewport.isNear(element)) near.push(element);
      else {
        viewport.watch(element);
        far.push(element);
      }
    }
    queue.add(near);
    census.add(far);
    if (conversationId !== null) conversations.get(conversationId); // the health check's far counts need it
  }

  function capture(turnElement: Element): ResponseCapture | null {
    return captureResponse(adapter, doc, doc.location.href, turnElement, { memory, read });
  }

  /**
   * A turn leaving the DOM (virtualized away) is remembered, so later context can still include it. If
   * it had controls, every turn is looked at again: a copy of it the site mounted before removing it
   * (same response, fresh nodes) may have lost the controls to it and must get them back.
   */
  function rememberRemoved(element: Element): void {
    const selector = adapter.turnSelector;
    const turns = element.matches(selector) ? [element] : Array.from(element.querySelectorAll(selector));
    if (turns.some((turn) => controls.placedIn(turn))) revisitAll();
    for (const turnElement of turns) {
      if (!turnElement.isConnected) viewport.forget(turnElement);
      const turn = adapter.describeTurn(turnElement);
      if (turn.role === null || turn.position === null || memory.has(turn.position)) continue;
      const content = (textCache.get(turnElement) ?? readTurn(adapter, turn)).text;
      if (content) memory.set(turn.position, { role: turn.role, content });
    }
  }

  /** One queued or waiting turn (near the viewport): controls if it is a finished response, else why it waits. */
  function handle(element: Element, waiting: PendingTurn | undefined, now: number): PendingTurn | null {
    if (!viewport.isNear(element)) {
      viewport.watch(element);
      census.add([element]);
      return null;
    }
    const turn = adapter.describeTurn(element);
    if (turn.role !== 'assistant') return null;
    const outcome = ensureControls(turn);
    if (outcome === 'done') return null;
    // Only a streaming response's text is left out of the observer, so only it is looked up.
    const content =
      outcome !== 'streaming' ? null : waiting?.content?.isConnected ? waiting.content : adapter.content(turn);
    return { content, since: waiting?.since ?? now, reason: outcome };
  }

  function read(turn: PageTurn): TurnReading {
    const reading = textCache.get(turn.element) ?? readTurn(adapter, turn);
    textCache.set(turn.element, reading);
    return reading;
  }
  const readText = (turn: PageTurn): string => read(turn).text;

  function messageId(turn: PageTurn, conversation: string): string | null {
    const native = adapter.nativeMessageId(turn);
    if (native) return native;
    const text = readText(turn);
    if (!text) return null;
    if (turn.position !== null) return synthesizeMessageId(conversation, turn.position, text);
    return capture(turn.element)?.messageId ?? null;
  }

  /** Gives a finished response its controls if it has none; else why it must wait. */
  function ensureControls(turn: PageTurn): 'done' | WaitReason {
    const id = conversationId;
    if (!id) return 'other';
    if (adapter.isStreaming(turn, doc)) return 'streaming';
    const anchor = adapter.anchor(turn);
    if (!anchor) return 'no-anchor';
    // Controls on a response with no words to read could save nothing (the health check says so); the
    // words themselves are read when saved, or when they name the message.
    if (!(textCache.get(turn.element)?.text ?? turnHasText(adapter, turn))) return 'no-text';
    const state = conversations.get(id);
    if (!state) return 'other';
    if (!state.enabled) return 'done';
    const message = messageId(turn, id);
    if (!message) return 'other';
    controls.place(turn.element, anchor, responseKey(adapter.id, id, message), id, message);
    return 'done';
  }

  /** Renders one response's controls into the root its host just got. */
  function renderControls(mounted: Mounted, root: HTMLElement): void {
    const initial = conversations.annotation(mounted.conversationId, mounted.messageId);
    const variant = adapter.variant(adapter.describeTurn(mounted.turn));
    if (variant) {
      const seen = captureOf(mounted);
      if (typeof seen !== 'string') conversations.rememberVariant(seen);
    }
    render(
      <Controls
        initial={initial}
        handle={mounted.handle}
        rubric={api.rubric()}
        variant={variant}
        readResponse={() => readText(adapter.describeTurn(mounted.turn))}
        save={(changes) => save(mounted, changes)}
        candidates={() => candidatesFor(mounted)}
        compare={(other, winner) => compare(mounted, other, winner)}
      />,
      root,
    );
  }

  /** The response of `mounted` as it is now, checked to still be the response the controls belong to. */
  function captureOf(mounted: Mounted): ResponseCaptureInput | string {
    const seen = capture(mounted.turn);
    if (!seen) return 'this response cannot be read right now; try again';
    if (responseKey(seen.site, seen.conversationId, seen.messageId) !== mounted.key) {
      return 'the response changed since the controls appeared; try again';
    }
    // Schema v2: the reasoning and the completeness counts travel with the capture, stored apart from
    // the response (the reasoning field, the capture.* metadata keys).
    return seen;
  }

  async function save(mounted: Mounted, changes: AnnotationChanges): Promise<SaveResult> {
    const current = captureOf(mounted);
    if (typeof current === 'string') return { ok: false, error: current };
    const result = await api.save(current, changes);
    if (result.ok) conversations.saved(current, mounted.messageId, result.annotation);
    return result;
  }

  function candidatesFor(mounted: Mounted): CompareCandidate[] {
    const current = captureOf(mounted);
    if (typeof current === 'string') return [];
    return conversations.candidates(current, mounted.conversationId);
  }

  async function compare(mounted: Mounted, other: CompareCandidate, winner: Winner): Promise<SaveComparisonResult> {
    const current = captureOf(mounted);
    if (typeof current === 'string') return { ok: false, error: current };
    const result = await api.compare(current, other.capture, winner);
    if (result.ok) conversations.compared(mounted.conversationId, result.comparison, result.annotations);
    return result;
  }

  /**
   * The response after (`direction` 1) or before (-1) `from` in the thread, given its controls now if it
   * is far from the viewport and had none (a shortcut moves to it: the focus scrolls it in). From no
   * response, the first one. At either end, `from` itself; null when the page has no response to give.
   */
  function step(from: Mounted | null, direction: 1 | -1): Mounted | null {
    const turns = Array.from(doc.querySelectorAll(adapter.turnSelector));
    const start = from ? turns.indexOf(from.turn) : -1;
    return scan(turns, start, start === -1 ? 1 : direction) ?? from;
  }

  /** The last response of the thread that can have controls, given them now if it had none. */
  function latest(): Mounted | null {
    const turns = Array.from(doc.querySelectorAll(adapter.turnSelector));
    return scan(turns, turns.length, -1);
  }

  /** The first response with controls (placed now if needed) after `start` going `forward`. */
  function scan(turns: Element[], start: number, forward: 1 | -1): Mounted | null {
    for (let index = start + forward; index >= 0 && index < turns.length; index += forward) {
      const found = controlsFor(turns[index] as Element);
      if (found) return found;
    }
    return null;
  }

  /** The controls of a turn, placed now if it is a finished response that has none yet. */
  function controlsFor(element: Element): Mounted | null {
    const existing = controls.mountedIn(element);
    if (existing) return existing;
    const turn = adapter.describeTurn(element);
    if (turn.role !== 'assistant' || ensureControls(turn) !== 'done') return null;
    return controls.mountedIn(element);
  }

  const annotator = {
    adapter,
    /** The controls of every response; keyboard shortcuts act on them. */
    controls,
    /** Called after each batch of work, e.g. to report health. */
    onUpdate: undefined as (() => void) | undefined,

    start(): void {
      observer = new PageObserver(doc.documentElement, adapter.watchedAttributes, queue.onMutations);
      observer.observeAll();
      ctx.onInvalidated(stop);
      revisitAll();
    },

    stop,
    step,
    latest,
    checkLocation,
    capture,

    /** Cheap enough to call every few seconds on a thread of hundreds of responses. */
    counts(): AnnotatorCounts {
      const withControls = controls.connected();
      const now = performance.now();
      // One native query, only if anything was observed since the last: not while a response streams.
      if (turnsCountedAt !== lastMutationAt) turnTotal = doc.querySelectorAll(adapter.turnSelector).length;
      turnsCountedAt = lastMutationAt;
      let streaming = 0;
      let stuck = 0;
      let withoutAnchor = 0;
      let withoutText = 0;
      let oldestStreamingMs = 0;
      for (const [element, waiting] of queue.pending) {
        if (!element.isConnected || waiting.reason === 'other') continue;
        if (waiting.reason === 'no-anchor') withoutAnchor += 1;
        else if (waiting.reason === 'no-text') withoutText += 1;
        else {
          streaming += 1;
          if (hasLater(element, adapter.turnSelector)) stuck += 1;
          oldestStreamingMs = Math.max(oldestStreamingMs, now - waiting.since);
        }
      }
      // The responses far from the viewport, sorted in idle time (they get controls as they come near).
      const enabled = conversationId !== null && conversations.get(conversationId)?.enabled === true;
      const far = enabled ? census.counts() : null;
      const all = {
        withControls: withControls + (far?.ready ?? 0),
        withoutAnchor: withoutAnchor + (far?.withoutAnchor ?? 0),
        streaming: streaming + (far?.streaming ?? 0),
      };
      return {
        conversationId,
        turns: turnTotal,
        assistantTurns: all.withControls + all.streaming + all.withoutAnchor + withoutText,
        ...all,
        withoutText,
        stuck: stuck + (far?.stuck ?? 0),
        oldestStreamingMs: Math.max(oldestStreamingMs, far?.oldestStreamingMs ?? 0),
        quietMs: now - lastMutationAt,
      };
    },
  };
  return annotator;
}

export type PageAnnotator = ReturnType<typeof createPageAnnotator>;
