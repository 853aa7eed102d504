import { render } from 'preact';
import {
  captureResponse,
  type ResponseCapture,
  responseKey,
  synthesizeMessageId,
  type TurnMemory,
  turnText,
} from '../capture/capture-response.ts';
import type { PageTurn, SiteAdapter } from '../sites/define-site-adapter.ts';
import type {
  AnnotationChanges,
  AnnotationState,
  ComparisonState,
  ConversationAnnotations,
  ResponseCaptureInput,
  SaveComparisonResult,
  SaveResult,
} from '../utils/annotation-input.ts';
import type { Winner } from './compare-candidates.ts';
import { type CompareCandidate, compareCandidates } from './compare-candidates.ts';
import { Controls, type ControlsCommand, type ControlsHandle } from './controls.tsx';
import { attachControlsRoot, type ControlsRoot, HOST_TAG, placeHost } from './mount-controls.ts';
import { PageObserver } from './page-observer.ts';
import type { RubricView } from './rubric-form.tsx';
import { pageTheme, type Theme } from './theme.ts';

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

/** One response's controls: a bare host until it nears the viewport, then the rendered controls. */
export interface Mounted {
  key: string;
  conversationId: string;
  messageId: string;
  anchor: Element;
  turn: Element;
  host: HTMLElement;
  /** Null until the anchor nears the viewport (or a shortcut needs the controls). */
  view: ControlsRoot | null;
  /** Set by the rendered controls: what keyboard shortcuts call. */
  handle: { current: ControlsHandle | null };
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
  /** Responses waiting for their stream to finish, and how long the oldest has been waiting (ms). */
  streaming: number;
  oldestStreamingMs: number;
  /** Time since the page last changed (ms). */
  quietMs: number;
}

/** Controls render once their anchor is within this margin of the viewport. */
const RENDER_MARGIN = '25% 0px';
/** A change outside a streaming response's text (action bar, stop button) is re-checked this soon. */
const FINISH_SIGNAL_RECHECK_MS = 10;
/** Text streaming into a response re-checks it this often, when that text is observed at all. */
const STREAMING_TEXT_RECHECK_MS = 250;
/** Responses waiting (streaming, or for their anchor) are re-checked this often even if nothing observed changes. */
const WAITING_RECHECK_MS = 1_000;
/** Reading `location.href` from a content script is not free: mutation batches check it this often. */
const LOCATION_CHECK_MS = 100;

interface ConversationState {
  enabled: boolean;
  annotations: Map<string, AnnotationState>;
  comparisons: ComparisonState[];
}

/** Why a response has no controls yet: still being written, no place for them, or anything else. */
type WaitReason = 'streaming' | 'no-anchor' | 'other';

interface PendingTurn {
  /** The response's text element (the adapter's `content`), whose mutations are only streaming text. */
  content: Element | null;
  since: number;
  reason: WaitReason;
}

/**
 * Puts one set of controls next to every finished assistant response of a chat page and keeps it so:
 * one MutationObserver for the page, whose records only queue the turns they touch; queued turns are
 * handled together on the next task, never by rescanning the document (that happens once per
 * navigation). Controls are keyed by response, so virtualized unmount/remount and re-renders never
 * leave two sets for one response.
 *
 * Cost on long threads: each finished response first gets a bare host element (one per response);
 * its closed root, styles and Preact controls are added when its anchor nears the viewport (one
 * IntersectionObserver). A streaming response makes thousands of mutations: its text is left out of
 * the observer while it waits (PageObserver), and a change anywhere else (the site's finished signal)
 * re-checks it within FINISH_SIGNAL_RECHECK_MS; waiting responses are also re-checked every
 * WAITING_RECHECK_MS.
 */
export class PageAnnotator {
  private readonly queued = new Set<Element>();
  /** Turns that could not get controls yet: streaming, no conversation id, no anchor, state loading. */
  private readonly pending = new Map<Element, PendingTurn>();
  private readonly mountedByTurn = new WeakMap<Element, Mounted>();
  private readonly mountedByKey = new Map<string, Mounted>();
  private readonly mountedByAnchor = new WeakMap<Element, Mounted>();
  private readonly textCache = new WeakMap<Element, string>();
  private readonly conversations = new Map<string, ConversationState | 'loading'>();
  /** Variants seen on this page (the site shows one at a time), by variant group, for compare mode. */
  private readonly variantCaptures = new Map<string, Map<string, ResponseCaptureInput>>();
  private memory: TurnMemory = new Map();
  private observer: PageObserver | undefined;
  private visibility: IntersectionObserver | undefined;
  /** When the next flush runs (performance.now()); a sooner request replaces the timer. */
  private flushDue = Number.POSITIVE_INFINITY;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private lastTarget: Element | null = null;
  private lastTurn: Element | null = null;
  private lastInText: boolean | null = null;
  private locationCheckedAt = 0;
  private lastMutationAt = performance.now();
  private href: string;
  private conversationId: string | null;
  /** Called after each batch of work, e.g. to report health. */
  onUpdate: (() => void) | undefined;

  constructor(
    readonly adapter: SiteAdapter,
    private readonly doc: Document,
    private readonly ctx: AnnotatorContext,
    private readonly api: AnnotatorApi,
  ) {
    this.href = doc.location.href;
    this.conversationId = adapter.conversationId(new URL(this.href));
  }

  start(): void {
    this.visibility = new IntersectionObserver((entries) => this.onVisibility(entries), {
      rootMargin: RENDER_MARGIN,
    });
    this.observer = new PageObserver(this.doc.documentElement, this.adapter.watchedAttributes, (records) =>
      this.onMutations(records),
    );
    this.observer.observeAll();
    this.ctx.onInvalidated(() => this.stop());
    this.queueAllTurns();
  }

  /** Disconnects the observers and removes every control (context invalidated: update or reload). */
  stop(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    this.visibility?.disconnect();
    this.visibility = undefined;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const mounted of this.mountedByKey.values()) this.unmount(mounted);
    this.queued.clear();
    this.pending.clear();
  }

  /** Called on `wxt:locationchange`, and on mutation batches (at most every LOCATION_CHECK_MS). */
  checkLocation(): void {
    const href = this.doc.location.href;
    if (href === this.href) return;
    this.href = href;
    const conversationId = this.adapter.conversationId(new URL(href));
    if (conversationId === this.conversationId) return;
    // A new chat that just got its id keeps what it saw; another conversation starts afresh.
    if (this.conversationId !== null) this.memory = new Map();
    this.conversationId = conversationId;
    this.queueAllTurns();
  }

  /** Every response with controls, in document order. */
  responses(): Mounted[] {
    const all = [...this.mountedByKey.values()].filter((mounted) => mounted.turn.isConnected);
    return all.sort((a, b) => (a.turn.compareDocumentPosition(b.turn) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  }

  /** The response whose controls hold the focus, if any. */
  focusedResponse(): Mounted | null {
    const active = this.doc.activeElement;
    if (!active || active.localName !== HOST_TAG) return null;
    for (const mounted of this.mountedByKey.values()) if (mounted.host === active) return mounted;
    return null;
  }

  /** The element inside our controls that has the focus (read from the closed root we hold). */
  focusedInside(mounted: Mounted): Element | null {
    return mounted.view?.shadow.activeElement ?? null;
  }

  /** Renders a response's controls now (a shortcut acts on it), then runs `command` in them; false if it did not apply. */
  run(mounted: Mounted, command: ControlsCommand): boolean {
    this.renderControls(mounted);
    return mounted.handle.current?.(command) ?? false;
  }

  /** Cheap enough to call every few seconds on a thread of hundreds of responses. */
  counts(): AnnotatorCounts {
    let withControls = 0;
    for (const mounted of this.mountedByKey.values()) if (mounted.host.isConnected) withControls += 1;
    const now = performance.now();
    let streaming = 0;
    let withoutAnchor = 0;
    let oldestStreamingMs = 0;
    for (const [element, waiting] of this.pending) {
      if (!element.isConnected || waiting.reason === 'other') continue;
      if (waiting.reason === 'no-anchor') {
        withoutAnchor += 1;
        continue;
      }
      streaming += 1;
      oldestStreamingMs = Math.max(oldestStreamingMs, now - waiting.since);
    }
    return {
      conversationId: this.conversationId,
      // One native query; the elements themselves are never touched.
      turns: this.doc.querySelectorAll(this.adapter.turnSelector).length,
      assistantTurns: withControls + streaming + withoutAnchor,
      withControls,
      withoutAnchor,
      streaming,
      oldestStreamingMs,
      quietMs: now - this.lastMutationAt,
    };
  }

  /** The capture of a response as it is now (for the selection fallback and tests). */
  capture(turnElement: Element): ResponseCapture | null {
    return captureResponse(this.adapter, this.doc, this.doc.location.href, turnElement, this.captureOptions());
  }

  private queueAllTurns(): void {
    for (const element of Array.from(this.doc.querySelectorAll(this.adapter.turnSelector))) this.queued.add(element);
    this.scheduleFlush(0);
  }

  /**
   * The hot path: a record inside the text of a streaming response costs a cached lookup and a flag.
   * Only records elsewhere look at added and removed nodes.
   */
  private onMutations(records: MutationRecord[]): void {
    const selector = this.adapter.turnSelector;
    let recheck = Number.POSITIVE_INFINITY;
    for (const record of records) {
      const node = record.target;
      const target = node.nodeType === 1 ? (node as Element) : node.parentElement;
      const turn = this.turnOf(target);
      if (turn !== null) {
        const waiting = this.pending.get(turn);
        if (waiting) {
          this.textCache.delete(turn);
          const inText = record.type === 'childList' && this.inText(target, waiting);
          recheck = Math.min(recheck, inText ? STREAMING_TEXT_RECHECK_MS : FINISH_SIGNAL_RECHECK_MS);
          continue;
        }
      }
      if (record.type === 'childList') {
        if (isOwnHostChange(record)) continue;
        if (record.removedNodes.length > 0) this.lastTarget = null;
        for (const added of Array.from(record.addedNodes)) {
          if (added.nodeType !== 1) continue;
          const element = added as Element;
          if (element.matches(selector)) this.queued.add(element);
          if (element.firstElementChild) {
            for (const inner of Array.from(element.querySelectorAll(selector))) this.queued.add(inner);
          }
        }
        for (const removed of Array.from(record.removedNodes)) {
          if (removed.nodeType === 1) this.rememberRemoved(removed as Element);
        }
      }
      if (turn) {
        this.queued.add(turn);
        this.textCache.delete(turn);
      } else if (this.pending.size > 0) {
        // Outside any turn: may be the site's finished signal (ChatGPT's stop button going away).
        recheck = Math.min(recheck, FINISH_SIGNAL_RECHECK_MS);
      }
    }
    const now = performance.now();
    this.lastMutationAt = now;
    if (now - this.locationCheckedAt > LOCATION_CHECK_MS) {
      this.locationCheckedAt = now;
      this.checkLocation();
    }
    if (this.queued.size > 0) this.scheduleFlush(0);
    else if (recheck !== Number.POSITIVE_INFINITY) this.scheduleFlush(recheck);
  }

  /** The turn holding `target`; streaming appends to one element over and over, so the last answer is kept. */
  private turnOf(target: Element | null): Element | null {
    if (target === null) return null;
    if (target === this.lastTarget) return this.lastTurn;
    const turn = target.closest(this.adapter.turnSelector);
    this.lastTarget = target;
    this.lastTurn = turn;
    this.lastInText = null;
    return turn;
  }

  /** Whether `target` (the last one looked up) is inside the streaming response's text. */
  private inText(target: Element | null, waiting: PendingTurn): boolean {
    if (target === null || waiting.content === null) return false;
    if (target === this.lastTarget && this.lastInText !== null) return this.lastInText;
    const inside = waiting.content.contains(target);
    if (target === this.lastTarget) this.lastInText = inside;
    return inside;
  }

  /** A turn leaving the DOM (virtualized away) is remembered, so later context can still include it. */
  private rememberRemoved(element: Element): void {
    const selector = this.adapter.turnSelector;
    const turns = element.matches(selector) ? [element] : Array.from(element.querySelectorAll(selector));
    for (const turnElement of turns) {
      const turn = this.adapter.describeTurn(turnElement);
      if (turn.role === null || turn.position === null || this.memory.has(turn.position)) continue;
      const content = this.textCache.get(turnElement) ?? turnText(this.adapter, turn);
      if (content) this.memory.set(turn.position, { role: turn.role, content });
    }
  }

  /** Runs `flush` after `delay` ms, unless one is already due sooner. */
  private scheduleFlush(delay: number): void {
    if (this.queued.size === 0 && this.pending.size === 0) return;
    const due = performance.now() + delay;
    if (due >= this.flushDue) return;
    this.flushDue = due;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    // A plain timer: WXT's ctx.setTimeout adds an abort listener per call, thousands while streaming.
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushDue = Number.POSITIVE_INFINITY;
      if (this.ctx.isValid) this.flush();
      else this.stop();
    }, delay);
  }

  private flush(): void {
    const previous = new Map(this.pending);
    const work = [...this.pending.keys(), ...this.queued];
    this.pending.clear();
    this.queued.clear();
    const now = performance.now();
    for (const element of work) {
      if (!element.isConnected) continue;
      const turn = this.adapter.describeTurn(element);
      if (turn.role !== 'assistant') continue;
      const outcome = this.ensureControls(turn);
      if (outcome === 'done') continue;
      const waiting = previous.get(element);
      // Only a streaming response's text is left out of the observer, so only it is looked up.
      const content =
        outcome !== 'streaming' ? null : waiting?.content?.isConnected ? waiting.content : this.adapter.content(turn);
      this.pending.set(element, { content, since: waiting?.since ?? now, reason: outcome });
    }
    // The text of streaming responses is left out of the observer: it says nothing about finishing.
    this.observer?.exclude([...this.pending.values()].flatMap((waiting) => (waiting.content ? [waiting.content] : [])));
    if (this.pending.size > 0) this.scheduleFlush(WAITING_RECHECK_MS);
    this.onUpdate?.();
  }

  private readText(turn: PageTurn): string {
    const cached = this.textCache.get(turn.element);
    if (cached !== undefined) return cached;
    const text = turnText(this.adapter, turn);
    this.textCache.set(turn.element, text);
    return text;
  }

  private messageId(turn: PageTurn, conversationId: string): string | null {
    const native = this.adapter.nativeMessageId(turn);
    if (native) return native;
    const text = this.readText(turn);
    if (!text) return null;
    if (turn.position !== null) return synthesizeMessageId(conversationId, turn.position, text);
    return this.capture(turn.element)?.messageId ?? null;
  }

  private captureOptions() {
    return { memory: this.memory, readText: (turn: PageTurn) => this.readText(turn) };
  }

  /** Gives a finished response its (bare) host if it has none; else why it must wait. */
  private ensureControls(turn: PageTurn): 'done' | WaitReason {
    const conversationId = this.conversationId;
    if (!conversationId) return 'other';
    if (this.adapter.isStreaming(turn, this.doc)) return 'streaming';
    const anchor = this.adapter.anchor(turn);
    if (!anchor) {
      return 'no-anchor';
    }
    const state = this.conversationState(conversationId);
    if (!state) return 'other';
    if (!state.enabled) return 'done';
    const messageId = this.messageId(turn, conversationId);
    if (!messageId) return 'other';
    const key = responseKey(this.adapter.id, conversationId, messageId);

    const current = this.mountedByTurn.get(turn.element);
    if (current?.key === key && current.host.isConnected && current.anchor === anchor) {
      if (current.anchor.nextElementSibling === current.host) return 'done';
    }
    if (current) this.unmount(current);
    const other = this.mountedByKey.get(key);
    if (other) this.unmount(other);

    const mounted: Mounted = {
      key,
      conversationId,
      messageId,
      anchor,
      turn: turn.element,
      host: placeHost(anchor),
      view: null,
      handle: { current: null },
    };
    this.mountedByTurn.set(turn.element, mounted);
    this.mountedByKey.set(key, mounted);
    this.mountedByAnchor.set(anchor, mounted);
    this.visibility?.observe(anchor);
    return 'done';
  }

  private onVisibility(entries: IntersectionObserverEntry[]): void {
    let theme: Theme | undefined;
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const mounted = this.mountedByAnchor.get(entry.target);
      if (!mounted || mounted.view !== null || this.mountedByKey.get(mounted.key) !== mounted) continue;
      theme ??= pageTheme(this.doc);
      this.renderControls(mounted, theme);
    }
  }

  /** Gives the host its closed root and renders the controls into it (no-op once done). */
  private renderControls(mounted: Mounted, theme?: Theme): void {
    if (mounted.view !== null) return;
    this.visibility?.unobserve(mounted.anchor);
    const view = attachControlsRoot(mounted.host, theme ?? pageTheme(this.doc));
    mounted.view = view;
    const state = this.conversations.get(mounted.conversationId);
    const initial = state && state !== 'loading' ? (state.annotations.get(mounted.messageId) ?? null) : null;
    const turn = this.adapter.describeTurn(mounted.turn);
    const variant = this.adapter.variant(turn);
    if (variant) this.rememberVariant(mounted);
    render(
      <Controls
        initial={initial}
        handle={mounted.handle}
        rubric={this.api.rubric()}
        variant={variant}
        readResponse={() => this.readText(this.adapter.describeTurn(mounted.turn))}
        save={(changes) => this.save(mounted, changes)}
        candidates={() => this.candidatesFor(mounted)}
        compare={(other, winner) => this.compare(mounted, other, winner)}
      />,
      view.root,
    );
  }

  private unmount(mounted: Mounted): void {
    this.visibility?.unobserve(mounted.anchor);
    if (mounted.view) render(null, mounted.view.root);
    mounted.host.remove();
    if (this.mountedByKey.get(mounted.key) === mounted) this.mountedByKey.delete(mounted.key);
    if (this.mountedByTurn.get(mounted.turn) === mounted) this.mountedByTurn.delete(mounted.turn);
    if (this.mountedByAnchor.get(mounted.anchor) === mounted) this.mountedByAnchor.delete(mounted.anchor);
  }

  private conversationState(conversationId: string): ConversationState | null {
    const state = this.conversations.get(conversationId);
    if (state === 'loading') return null;
    if (state) return state;
    this.conversations.set(conversationId, 'loading');
    this.api.load(this.adapter.id, conversationId).then(
      (loaded) => {
        const annotations = new Map(loaded.annotations.map((annotation) => [annotation.messageId, annotation]));
        this.conversations.set(conversationId, {
          enabled: loaded.enabled,
          annotations,
          comparisons: loaded.comparisons,
        });
        this.scheduleFlush(0);
      },
      () => {
        // The background did not answer (it is restarting): try again on the next batch.
        this.conversations.delete(conversationId);
      },
    );
    return null;
  }

  /** The response of `mounted` as it is now, checked to still be the response the controls belong to. */
  private captureOf(mounted: Mounted): ResponseCaptureInput | string {
    const capture = this.capture(mounted.turn);
    if (!capture) return 'this response cannot be read right now; try again';
    if (responseKey(capture.site, capture.conversationId, capture.messageId) !== mounted.key) {
      return 'the response changed since the controls appeared; try again';
    }
    return capture;
  }

  private async save(mounted: Mounted, changes: AnnotationChanges): Promise<SaveResult> {
    const capture = this.captureOf(mounted);
    if (typeof capture === 'string') return { ok: false, error: capture };
    const result = await this.api.save(capture, changes);
    if (result.ok) {
      const state = this.conversations.get(capture.conversationId);
      if (state && state !== 'loading') state.annotations.set(mounted.messageId, result.annotation);
      if (capture.variant?.group) this.rememberCapture(capture);
    }
    return result;
  }

  private rememberVariant(mounted: Mounted): void {
    const capture = this.captureOf(mounted);
    if (typeof capture !== 'string' && capture.variant?.group) this.rememberCapture(capture);
  }

  private rememberCapture(capture: ResponseCaptureInput): void {
    const group = capture.variant?.group;
    if (!group) return;
    let seen = this.variantCaptures.get(group);
    if (!seen) {
      seen = new Map();
      this.variantCaptures.set(group, seen);
    }
    seen.set(capture.messageId, capture);
  }

  private candidatesFor(mounted: Mounted): CompareCandidate[] {
    const capture = this.captureOf(mounted);
    if (typeof capture === 'string') return [];
    const state = this.conversations.get(mounted.conversationId);
    return compareCandidates(
      capture,
      this.variantCaptures.get(capture.variant?.group ?? '') ?? new Map(),
      state && state !== 'loading' ? state.comparisons : [],
    );
  }

  private async compare(mounted: Mounted, other: CompareCandidate, winner: Winner): Promise<SaveComparisonResult> {
    const capture = this.captureOf(mounted);
    if (typeof capture === 'string') return { ok: false, error: capture };
    const result = await this.api.compare(capture, other.capture, winner);
    if (result.ok) {
      const state = this.conversations.get(mounted.conversationId);
      if (state && state !== 'loading') {
        for (const annotation of result.annotations) state.annotations.set(annotation.messageId, annotation);
        state.comparisons = [
          ...state.comparisons.filter(
            (known) =>
              !(
                (known.a === result.comparison.a && known.b === result.comparison.b) ||
                (known.a === result.comparison.b && known.b === result.comparison.a)
              ),
          ),
          result.comparison,
        ];
      }
    }
    return result;
  }
}

/** Our own insertion of a host; a host that something else removed is not ours to ignore. */
function isOwnHostChange(record: MutationRecord): boolean {
  const added = record.addedNodes;
  if (record.removedNodes.length > 0 || added.length === 0) return false;
  for (let index = 0; index < added.length; index++) {
    if (added[index]?.nodeName !== HOST_NODE_NAME) return false;
  }
  return true;
}

const HOST_NODE_NAME = HOST_TAG.toUpperCase();
