/**
 * A turn is "near" once it is within this margin of the viewport (one viewport height above and below):
 * far enough ahead that scrolling at reading speed finds the controls already there.
 */
const NEAR_MARGIN = '100% 0px';
/** Turns near the viewport but not on screen are handled in idle time, at the latest this long after. */
const IDLE_TIMEOUT_MS = 500;

/** What the turns coming near the viewport are handed to. */
export interface NearViewportHooks {
  /** Turns now on screen: handle them at once (their controls show without delay). */
  onScreen(turns: Element[]): void;
  /** Turns within the margin but not on screen: handled in idle time. */
  soon(turns: Element[]): void;
}

/**
 * Which turns have come near the viewport, from ONE IntersectionObserver for the whole page. Watching a
 * turn costs the page nothing but the browser's own intersection check: no host, no shadow root, no
 * rendering and no reading of its text happen until it comes near. A turn that came near once is
 * handled like any other from then on (and no longer watched): it keeps its controls when it leaves.
 */
export function createNearViewport(doc: Document, hooks: NearViewportHooks) {
  const seen = new WeakSet<Element>();
  /** Told of turns that stop being far: they came near, or left the page. */
  const farNoMore: ((turns: Element[]) => void)[] = [];
  const view = doc.defaultView;
  let idle: Element[] = [];
  let idleHandle: number | undefined;

  function flushIdle(): void {
    idleHandle = undefined;
    const turns = idle.filter((turn) => turn.isConnected);
    idle = [];
    if (turns.length > 0) hooks.soon(turns);
  }

  function later(turns: Element[]): void {
    idle.push(...turns);
    if (idleHandle !== undefined || !view) return;
    // Firefox and Chromium have requestIdleCallback; the timeout bounds the wait on a busy page.
    idleHandle =
      typeof view.requestIdleCallback === 'function'
        ? view.requestIdleCallback(flushIdle, { timeout: IDLE_TIMEOUT_MS })
        : view.setTimeout(flushIdle, 50);
  }

  function onEntries(entries: IntersectionObserverEntry[]): void {
    const height = view?.innerHeight ?? 0;
    const onScreen: Element[] = [];
    const soon: Element[] = [];
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      seen.add(entry.target);
      observer.unobserve(entry.target);
      const box = entry.boundingClientRect;
      (box.bottom > 0 && box.top < height ? onScreen : soon).push(entry.target);
    }
    if (onScreen.length + soon.length > 0) for (const listener of farNoMore) listener([...onScreen, ...soon]);
    if (onScreen.length > 0) hooks.onScreen(onScreen);
    if (soon.length > 0) later(soon);
  }

  const observer = new IntersectionObserver(onEntries, { rootMargin: NEAR_MARGIN });

  return {
    /** True once the observer has seen `turn` near the viewport. */
    isNear(turn: Element): boolean {
      return seen.has(turn);
    },
    /** Starts watching `turn` (again: a no-op); the observer reports it when it comes near. */
    watch(turn: Element): void {
      if (!seen.has(turn)) observer.observe(turn);
    },
    /** Stops watching a turn that left the page. */
    forget(turn: Element): void {
      observer.unobserve(turn);
      seen.delete(turn);
      for (const listener of farNoMore) listener([turn]);
    },
    /** Calls `listener` with the turns that came near or left the page (the census stops counting them). */
    onFarNoMore(listener: (turns: Element[]) => void): void {
      farNoMore.push(listener);
    },
    disconnect(): void {
      observer.disconnect();
      if (idleHandle !== undefined && view) {
        if (typeof view.cancelIdleCallback === 'function') view.cancelIdleCallback(idleHandle);
        else view.clearTimeout(idleHandle);
      }
      idleHandle = undefined;
      idle = [];
    },
  };
}

export type NearViewport = ReturnType<typeof createNearViewport>;
