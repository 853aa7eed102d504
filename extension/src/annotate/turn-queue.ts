import { HOST_TAG } from './mount-controls.ts';

/** Why a response has no controls yet: still being written, no place for them, no readable text, or anything else. */
export type WaitReason = 'streaming' | 'no-anchor' | 'no-text' | 'other';

/** A turn that could not get controls yet. */
export interface PendingTurn {
  /** The response's text element (the adapter's `content`), whose mutations are only streaming text. */
  content: Element | null;
  since: number;
  reason: WaitReason;
}

/** What the queue asks of the annotator that owns it. */
export interface TurnQueueHooks {
  /** Handles one queued or waiting turn element: null when it needs nothing more, else why it waits. */
  handle(element: Element, waiting: PendingTurn | undefined, now: number): PendingTurn | null;
  /** After each flush; the turns still waiting are in `pending`. */
  flushed(): void;
  /** A mutation inside this turn: what was read of it is stale. */
  changed(turn: Element): void;
  /** Whether a turn is worth handling now (near the viewport); the others cost a mutation nothing more. */
  near(turn: Element): boolean;
  /** An element left the DOM (turns inside it may be worth remembering). */
  removed(element: Element): void;
  /** After each batch of mutation records, before the next flush is scheduled. */
  mutated(): void;
  /** The content script's context is gone: stop everything. */
  stop(): void;
}

/**
 * A change outside a streaming response's text (action bar, stop button) re-checks it at once, in the
 * mutation callback, but at most once per this many ms: a site that changes things next to a streaming
 * answer on every token costs a flush per 10 ms, while a lone finished signal is not kept waiting.
 */
const FINISH_SIGNAL_RECHECK_MS = 10;
/** Text streaming into a response re-checks it this often, when that text is observed at all. */
const STREAMING_TEXT_RECHECK_MS = 250;
/** Responses waiting (streaming, or for their anchor) are re-checked this often even if nothing observed changes. */
const WAITING_RECHECK_MS = 1_000;

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

/**
 * The turns a page's mutations touch, handled together on a later task, never by rescanning the
 * document: a mutation record only queues the turn it is in (`closest(turnSelector)`) or the turns
 * inside the nodes it adds. Turns that must wait (streaming, no anchor, state loading) stay pending and
 * are handled again with the next flush: within FINISH_SIGNAL_RECHECK_MS of a change outside a
 * streaming response's text, and every WAITING_RECHECK_MS anyway. Once the content script's context
 * (`ctx`) is gone, a due flush calls `hooks.stop` instead.
 */
export function createTurnQueue(selector: string, ctx: { readonly isValid: boolean }, hooks: TurnQueueHooks) {
  const queued = new Set<Element>();
  /** Turns that could not get controls yet: streaming, no conversation id, no anchor, state loading. */
  const pending = new Map<Element, PendingTurn>();
  /** When the next flush runs (performance.now()); a sooner request replaces the timer. */
  let flushDue = Number.POSITIVE_INFINITY;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushedAt = -FINISH_SIGNAL_RECHECK_MS;
  let lastTarget: Element | null = null;
  let lastTurn: Element | null = null;
  let lastInText: boolean | null = null;

  /** The turn holding `target`; streaming appends to one element over and over, so the last answer is kept. */
  function turnOf(target: Element | null): Element | null {
    if (target === null) return null;
    if (target === lastTarget) return lastTurn;
    const turn = target.closest(selector);
    lastTarget = target;
    lastTurn = turn;
    lastInText = null;
    return turn;
  }

  /** Whether `target` (the last one looked up) is inside the streaming response's text. */
  function inText(target: Element | null, waiting: PendingTurn): boolean {
    if (target === null || waiting.content === null) return false;
    if (target === lastTarget && lastInText !== null) return lastInText;
    const inside = waiting.content.contains(target);
    if (target === lastTarget) lastInText = inside;
    return inside;
  }

  /** How long a possible finished signal waits: not at all, unless a flush ran less than 10 ms ago. */
  function finishSignalDelay(): number {
    return Math.max(0, flushedAt + FINISH_SIGNAL_RECHECK_MS - performance.now());
  }

  /** Runs the next flush after `delay` ms, unless one is already due sooner. */
  function schedule(delay: number): void {
    if (queued.size === 0 && pending.size === 0) return;
    const due = performance.now() + delay;
    if (due >= flushDue) return;
    flushDue = due;
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    // A plain timer: WXT's ctx.setTimeout adds an abort listener per call, thousands while streaming.
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      flushDue = Number.POSITIVE_INFINITY;
      if (ctx.isValid) flush();
      else hooks.stop();
    }, delay);
  }

  function flush(): void {
    flushedAt = performance.now();
    const previous = new Map(pending);
    const work = [...pending.keys(), ...queued];
    pending.clear();
    queued.clear();
    const now = performance.now();
    for (const element of work) {
      if (!element.isConnected) continue;
      const waiting = hooks.handle(element, previous.get(element), now);
      if (waiting) pending.set(element, waiting);
    }
    if (pending.size > 0) schedule(WAITING_RECHECK_MS);
    hooks.flushed();
  }

  return {
    pending: pending as ReadonlyMap<Element, PendingTurn>,
    schedule,

    /** Queues these turns, handled on the next task. */
    add(elements: Iterable<Element>): void {
      for (const element of elements) queued.add(element);
      schedule(0);
    },

    /** Forgets every turn and cancels the next flush. */
    clear(): void {
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      flushTimer = undefined;
      queued.clear();
      pending.clear();
    },

    /**
     * The hot path: a record inside the text of a streaming response costs a cached lookup and a flag.
     * Only records elsewhere look at added and removed nodes.
     */
    onMutations(records: MutationRecord[]): void {
      let recheck = Number.POSITIVE_INFINITY;
      for (const record of records) {
        const node = record.target;
        const target = node.nodeType === 1 ? (node as Element) : node.parentElement;
        const turn = turnOf(target);
        if (turn !== null) {
          const waiting = pending.get(turn);
          if (waiting) {
            hooks.changed(turn);
            const text = record.type === 'childList' && inText(target, waiting);
            recheck = Math.min(recheck, text ? STREAMING_TEXT_RECHECK_MS : finishSignalDelay());
            continue;
          }
        }
        if (record.type === 'childList') {
          if (isOwnHostChange(record)) continue;
          if (record.removedNodes.length > 0) lastTarget = null;
          for (const added of Array.from(record.addedNodes)) {
            if (added.nodeType !== 1) continue;
            const element = added as Element;
            if (element.matches(selector)) queued.add(element);
            if (element.firstElementChild) {
              for (const inner of Array.from(element.querySelectorAll(selector))) queued.add(inner);
            }
          }
          for (const removed of Array.from(record.removedNodes)) {
            if (removed.nodeType === 1) hooks.removed(removed as Element);
          }
        }
        if (turn) {
          hooks.changed(turn);
          // A turn far from the viewport is handled when it comes near, not on each of its mutations.
          if (hooks.near(turn)) queued.add(turn);
        } else if (pending.size > 0) {
          // Outside any turn: may be the site's finished signal (ChatGPT's stop button going away).
          recheck = Math.min(recheck, finishSignalDelay());
        }
      }
      hooks.mutated();
      if (queued.size > 0) schedule(0);
      // A lone finished signal is handled in this callback: the controls are in before the next frame.
      else if (recheck === 0 && ctx.isValid) flush();
      else if (recheck !== Number.POSITIVE_INFINITY) schedule(recheck);
    },
  };
}

export type TurnQueue = ReturnType<typeof createTurnQueue>;
