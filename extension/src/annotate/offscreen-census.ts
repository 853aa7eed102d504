import { hasLater, type SiteAdapter } from '../sites/define-site-adapter.ts';
import type { NearViewport } from './near-viewport.ts';

/** Far turns are sorted in idle time, at the latest this long after they were found. */
const IDLE_TIMEOUT_MS = 2_000;

type Verdict = 'ready' | 'streaming' | 'no-anchor';

/** What the health check learns of the assistant responses far from the viewport. */
export interface OffscreenCounts {
  /** Finished, with a place for controls: they get them as they come near. */
  ready: number;
  streaming: number;
  stuck: number;
  withoutAnchor: number;
  oldestStreamingMs: number;
}

/**
 * The health check's view of the responses no one has scrolled near yet, so the popup's counts and
 * its diagnosis cover the whole thread without mounting anything there. Each far turn is sorted once,
 * in idle time, with the adapter's cheap checks only (role, finished, anchor; its text is not read);
 * counting re-checks only those still waiting (streaming or without anchor), usually none or one.
 */
export function createOffscreenCensus(
  adapter: SiteAdapter,
  doc: Document,
  viewport: Pick<NearViewport, 'isNear' | 'onFarNoMore'>,
  /** After each idle sort: the counts may have changed. */
  sorted: () => void,
) {
  /** Far responses that are finished with a place for controls: counted, never looked at again. */
  const ready = new Set<Element>();
  /** The others (streaming, no anchor), re-checked on each count. */
  const verdicts = new Map<Element, { verdict: Verdict; since: number }>();
  const isNear = viewport.isNear;
  viewport.onFarNoMore((turns) => {
    for (const turn of turns) {
      ready.delete(turn);
      verdicts.delete(turn);
    }
  });
  let unsorted = new Set<Element>();
  let idleHandle: number | undefined;

  function judge(element: Element): Verdict | null {
    const turn = adapter.describeTurn(element);
    if (turn.role !== 'assistant') return null;
    if (adapter.isStreaming(turn, doc)) return 'streaming';
    return adapter.anchor(turn) ? 'ready' : 'no-anchor';
  }

  /**
   * Sorts turns while the idle period lasts (5 ms when the wait timed out on a busy page), so a long
   * thread takes several idle periods and never one long task; then says the counts changed.
   */
  function sort(deadline?: IdleDeadline): void {
    idleHandle = undefined;
    const now = performance.now();
    const end = deadline ? now + Math.max(deadline.timeRemaining(), 5) : Number.POSITIVE_INFINITY;
    for (const element of unsorted) {
      if (performance.now() > end) break;
      unsorted.delete(element);
      if (!element.isConnected || isNear(element)) continue;
      const verdict = judge(element);
      if (verdict === 'ready') ready.add(element);
      else if (verdict) verdicts.set(element, { verdict, since: now });
    }
    if (unsorted.size > 0) later();
    else sorted();
  }

  function later(): void {
    if (idleHandle !== undefined || unsorted.size === 0) return;
    idleHandle =
      typeof requestIdleCallback === 'function'
        ? requestIdleCallback(sort, { timeout: IDLE_TIMEOUT_MS })
        : (setTimeout(sort, 100) as unknown as number);
  }

  return {
    /** Far turns to sort when the page is idle. */
    add(elements: Iterable<Element>): void {
      for (const element of elements) unsorted.add(element);
      later();
    },

    counts(): OffscreenCounts {
      const now = performance.now();
      const counts: OffscreenCounts = { ready: 0, streaming: 0, stuck: 0, withoutAnchor: 0, oldestStreamingMs: 0 };
      for (const [element, entry] of verdicts) {
        // Near (handled by the annotator itself from then on) or gone: no longer ours to count.
        const verdict = !element.isConnected || isNear(element) ? null : judge(element);
        if (verdict === null || verdict === 'ready') {
          verdicts.delete(element);
          if (verdict === 'ready') ready.add(element);
          continue;
        }
        if (verdict !== entry.verdict) {
          entry.verdict = verdict;
          entry.since = now;
        }
        if (verdict === 'no-anchor') counts.withoutAnchor += 1;
        else {
          counts.streaming += 1;
          if (hasLater(element, adapter.turnSelector)) counts.stuck += 1;
          counts.oldestStreamingMs = Math.max(counts.oldestStreamingMs, now - entry.since);
        }
      }
      counts.ready = ready.size;
      return counts;
    },

    stop(): void {
      if (idleHandle !== undefined) {
        if (typeof cancelIdleCallback === 'function') cancelIdleCallback(idleHandle);
        else clearTimeout(idleHandle);
      }
      idleHandle = undefined;
      unsorted = new Set();
      verdicts.clear();
      ready.clear();
    },
  };
}
