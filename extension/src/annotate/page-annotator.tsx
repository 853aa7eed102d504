import { render } from 'preact';
import {
  captureResponse,
  responseKey,
  synthesizeMessageId,
  type TurnMemory,
  turnText,
} from '../capture/capture-response.ts';
import type { PageTurn, SiteAdapter } from '../sites/define-site-adapter.ts';
import type {
  AnnotationChanges,
  AnnotationState,
  ResponseCaptureInput,
  SaveResult,
} from '../utils/annotation-input.ts';
import { Controls } from './controls.tsx';
import { HOST_TAG, mountHost } from './mount-controls.ts';
import { pageTheme } from './theme.ts';

export interface AnnotatorApi {
  load(site: string, conversationId: string): Promise<{ enabled: boolean; annotations: AnnotationState[] }>;
  save(capture: ResponseCaptureInput, changes: AnnotationChanges): Promise<SaveResult>;
}

/** The parts of WXT's `ContentScriptContext` the annotator uses, so tests can pass their own. */
export interface AnnotatorContext {
  setTimeout(handler: () => void, timeout?: number): number;
  onInvalidated(callback: () => void): () => void;
  readonly isValid: boolean;
}

interface Mounted {
  key: string;
  host: HTMLElement;
  root: HTMLElement;
  anchor: Element;
  turn: Element;
}

interface ConversationState {
  enabled: boolean;
  annotations: Map<string, AnnotationState>;
}

/**
 * Puts one set of controls next to every finished assistant response of a chat page and keeps it so:
 * one MutationObserver for the page, whose records only queue the turns they touch; queued turns are
 * handled together on the next task, never by rescanning the document (that happens once per
 * navigation). Controls are keyed by response, so virtualized unmount/remount and re-renders never
 * leave two sets for one response.
 */
export class PageAnnotator {
  private readonly queued = new Set<Element>();
  /** Turns that could not get controls yet: streaming, no conversation id, no anchor, state loading. */
  private readonly pending = new Set<Element>();
  private readonly mountedByTurn = new WeakMap<Element, Mounted>();
  private readonly mountedByKey = new Map<string, Mounted>();
  private readonly textCache = new WeakMap<Element, string>();
  private readonly conversations = new Map<string, ConversationState | 'loading'>();
  private memory: TurnMemory = new Map();
  private observer: MutationObserver | undefined;
  private flushScheduled = false;
  private href: string;
  private conversationId: string | null;

  constructor(
    private readonly adapter: SiteAdapter,
    private readonly doc: Document,
    private readonly ctx: AnnotatorContext,
    private readonly api: AnnotatorApi,
  ) {
    this.href = doc.location.href;
    this.conversationId = adapter.conversationId(new URL(this.href));
  }

  start(): void {
    this.observer = new MutationObserver((records) => this.onMutations(records));
    this.observer.observe(this.doc.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: this.adapter.watchedAttributes,
    });
    this.ctx.onInvalidated(() => this.stop());
    this.queueAllTurns();
  }

  /** Disconnects the observer and removes every control (context invalidated: update or reload). */
  stop(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    for (const mounted of this.mountedByKey.values()) this.unmount(mounted);
    this.queued.clear();
    this.pending.clear();
  }

  /** Called on `wxt:locationchange`, and checked on every mutation batch. */
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

  private queueAllTurns(): void {
    for (const element of Array.from(this.doc.querySelectorAll(this.adapter.turnSelector))) this.queued.add(element);
    this.scheduleFlush();
  }

  private onMutations(records: MutationRecord[]): void {
    if (!this.ctx.isValid) {
      this.stop();
      return;
    }
    const selector = this.adapter.turnSelector;
    for (const record of records) {
      if (record.type === 'childList') {
        if (isOwnHostChange(record)) continue;
        for (const node of Array.from(record.addedNodes)) {
          if (node.nodeType !== 1) continue;
          const element = node as Element;
          if (element.matches(selector)) this.queued.add(element);
          for (const turn of Array.from(element.querySelectorAll(selector))) this.queued.add(turn);
        }
        for (const node of Array.from(record.removedNodes)) {
          if (node.nodeType === 1) this.rememberRemoved(node as Element);
        }
      }
      const target = record.target.nodeType === 1 ? (record.target as Element) : record.target.parentElement;
      const turn = target?.closest(selector);
      if (turn) {
        this.queued.add(turn);
        this.textCache.delete(turn);
      }
    }
    this.checkLocation();
    this.scheduleFlush();
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

  private scheduleFlush(): void {
    if (this.flushScheduled || (this.queued.size === 0 && this.pending.size === 0)) return;
    this.flushScheduled = true;
    this.ctx.setTimeout(() => {
      this.flushScheduled = false;
      if (this.ctx.isValid) this.flush();
      else this.stop();
    }, 0);
  }

  private flush(): void {
    const work = [...this.pending, ...this.queued];
    this.pending.clear();
    this.queued.clear();
    for (const element of work) {
      if (!element.isConnected) continue;
      const turn = this.adapter.describeTurn(element);
      if (turn.role !== 'assistant') continue;
      if (!this.ensureControls(turn)) this.pending.add(element);
    }
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
    return (
      captureResponse(this.adapter, this.doc, this.doc.location.href, turn.element, this.captureOptions())?.messageId ??
      null
    );
  }

  private captureOptions() {
    return { memory: this.memory, readText: (turn: PageTurn) => this.readText(turn) };
  }

  /** Mounts controls for a finished response if it has none; false when it must wait. */
  private ensureControls(turn: PageTurn): boolean {
    const conversationId = this.conversationId;
    if (!conversationId || this.adapter.isStreaming(turn, this.doc)) return false;
    const anchor = this.adapter.anchor(turn);
    if (!anchor) return false;
    const state = this.conversationState(conversationId);
    if (!state) return false;
    if (!state.enabled) return true;
    const messageId = this.messageId(turn, conversationId);
    if (!messageId) return false;
    const key = responseKey(this.adapter.id, conversationId, messageId);

    const current = this.mountedByTurn.get(turn.element);
    if (current?.key === key && current.host.isConnected && current.anchor === anchor.element) {
      if (current.anchor.nextElementSibling === current.host) return true;
    }
    if (current) this.unmount(current);
    const other = this.mountedByKey.get(key);
    if (other) this.unmount(other);

    const { host, root } = mountHost(anchor.element, pageTheme(this.doc));
    const mounted: Mounted = { key, host, root, anchor: anchor.element, turn: turn.element };
    this.mountedByTurn.set(turn.element, mounted);
    this.mountedByKey.set(key, mounted);
    render(
      <Controls
        initial={state.annotations.get(messageId) ?? null}
        readResponse={() => this.readText(this.adapter.describeTurn(turn.element))}
        save={(changes) => this.save(turn.element, key, messageId, changes)}
      />,
      root,
    );
    return true;
  }

  private unmount(mounted: Mounted): void {
    render(null, mounted.root);
    mounted.host.remove();
    if (this.mountedByKey.get(mounted.key) === mounted) this.mountedByKey.delete(mounted.key);
    if (this.mountedByTurn.get(mounted.turn) === mounted) this.mountedByTurn.delete(mounted.turn);
  }

  private conversationState(conversationId: string): ConversationState | null {
    const state = this.conversations.get(conversationId);
    if (state === 'loading') return null;
    if (state) return state;
    this.conversations.set(conversationId, 'loading');
    this.api.load(this.adapter.id, conversationId).then(
      (loaded) => {
        const annotations = new Map(loaded.annotations.map((annotation) => [annotation.messageId, annotation]));
        this.conversations.set(conversationId, { enabled: loaded.enabled, annotations });
        this.scheduleFlush();
      },
      () => {
        // The background did not answer (it is restarting): try again on the next batch.
        this.conversations.delete(conversationId);
      },
    );
    return null;
  }

  private async save(
    turnElement: Element,
    key: string,
    messageId: string,
    changes: AnnotationChanges,
  ): Promise<SaveResult> {
    const capture = captureResponse(this.adapter, this.doc, this.doc.location.href, turnElement, this.captureOptions());
    if (!capture) return { ok: false, error: 'this response cannot be read right now; try again' };
    if (responseKey(capture.site, capture.conversationId, capture.messageId) !== key) {
      return { ok: false, error: 'the response changed since the controls appeared; try again' };
    }
    const result = await this.api.save(capture, changes);
    if (result.ok) {
      const state = this.conversations.get(capture.conversationId);
      if (state && state !== 'loading') state.annotations.set(messageId, result.annotation);
    }
    return result;
  }
}

/** Our own insertion of a host; a host that something else removed is not ours to ignore. */
function isOwnHostChange(record: MutationRecord): boolean {
  const added = Array.from(record.addedNodes);
  return (
    record.removedNodes.length === 0 &&
    added.length > 0 &&
    added.every((node) => node.nodeName.toLowerCase() === HOST_TAG)
  );
}
