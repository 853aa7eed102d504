import { render } from 'preact';
import type { ControlsCommand, ControlsHandle } from './controls.tsx';
import { attachControlsRoot, type ControlsRoot, HOST_TAG, placeHost } from './mount-controls.ts';
import { pageTheme, type Theme } from './theme.ts';
import { watchTheme } from './theme-watch.ts';

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

/** Controls render once their anchor is within this margin of the viewport. */
const RENDER_MARGIN = '25% 0px';

/**
 * The controls of every response on the page, keyed by response (`site:conversation:message`), so a
 * virtualized remount or a re-render replaces a response's host and never leaves two. A host is placed
 * at once, bare; its closed root and controls (`renderInto`) come when its anchor nears the viewport
 * (one IntersectionObserver for the page) or when a shortcut acts on it.
 */
export function createResponseControls(doc: Document, renderInto: (mounted: Mounted, root: HTMLElement) => void) {
  const byTurn = new WeakMap<Element, Mounted>();
  const byKey = new Map<string, Mounted>();
  const byAnchor = new WeakMap<Element, Mounted>();
  /** Every host this page's controls made: a `margin-annotator` not in here is a page's copy of one. */
  const ours = new WeakSet<Element>();
  let visibility: IntersectionObserver | undefined;
  let stopTheme: (() => void) | undefined;

  function onVisibility(entries: IntersectionObserverEntry[]): void {
    let theme: Theme | undefined;
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const mounted = byAnchor.get(entry.target);
      if (!mounted || mounted.view !== null || byKey.get(mounted.key) !== mounted) continue;
      theme ??= pageTheme(doc);
      renderControls(mounted, theme);
    }
  }

  /** Gives the host its closed root and renders the controls into it (no-op once done). */
  function renderControls(mounted: Mounted, theme?: Theme): void {
    if (mounted.view !== null) return;
    visibility?.unobserve(mounted.anchor);
    const view = attachControlsRoot(mounted.host, theme ?? pageTheme(doc));
    mounted.view = view;
    renderInto(mounted, view.root);
  }

  function unmount(mounted: Mounted): void {
    visibility?.unobserve(mounted.anchor);
    if (mounted.view) render(null, mounted.view.root);
    mounted.host.remove();
    if (byKey.get(mounted.key) === mounted) byKey.delete(mounted.key);
    if (byTurn.get(mounted.turn) === mounted) byTurn.delete(mounted.turn);
    if (byAnchor.get(mounted.anchor) === mounted) byAnchor.delete(mounted.anchor);
  }

  return {
    start(): void {
      visibility = new IntersectionObserver(onVisibility, { rootMargin: RENDER_MARGIN });
      // The site switched to dark (or back): every rendered root follows at once.
      stopTheme = watchTheme(doc, (theme) => {
        for (const mounted of byKey.values()) mounted.view?.root.setAttribute('data-theme', theme);
      });
    },

    /** Stops watching and removes every host (context invalidated: update or reload). */
    stop(): void {
      visibility?.disconnect();
      visibility = undefined;
      stopTheme?.();
      for (const mounted of byKey.values()) unmount(mounted);
    },

    /** Puts the (bare) host of response `key` right after `anchor`, unless it is there already. */
    place(turn: Element, anchor: Element, key: string, conversationId: string, messageId: string): void {
      const current = byTurn.get(turn);
      if (current?.key === key && current.host.isConnected && current.anchor === anchor) {
        if (current.anchor.nextElementSibling === current.host) return;
      }
      if (current) unmount(current);
      const other = byKey.get(key);
      if (other) unmount(other);
      // A site that re-renders a turn from a copy of its markup copies our host too: an empty element
      // with no controls, which would sit where ours goes. Only hosts we made stay.
      for (const copy of Array.from(turn.querySelectorAll(HOST_TAG))) if (!ours.has(copy)) copy.remove();

      const mounted: Mounted = {
        key,
        conversationId,
        messageId,
        anchor,
        turn,
        host: placeHost(anchor),
        view: null,
        handle: { current: null },
      };
      ours.add(mounted.host);
      byTurn.set(turn, mounted);
      byKey.set(key, mounted);
      byAnchor.set(anchor, mounted);
      visibility?.observe(anchor);
    },

    /** True when `turn` has (or had, until it left the page) controls. */
    placedIn(turn: Element): boolean {
      return byTurn.has(turn);
    },

    /** How many hosts are in the page (the health check's "finished responses with controls"). */
    connected(): number {
      let count = 0;
      for (const mounted of byKey.values()) if (mounted.host.isConnected) count += 1;
      return count;
    },

    /** Every response with controls, in document order. */
    responses(): Mounted[] {
      const all = [...byKey.values()].filter((mounted) => mounted.turn.isConnected);
      return all.sort((a, b) => (a.turn.compareDocumentPosition(b.turn) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    },

    /** The response whose controls hold the focus, if any. */
    focusedResponse(): Mounted | null {
      const active = doc.activeElement;
      if (!active || active.localName !== HOST_TAG) return null;
      for (const mounted of byKey.values()) if (mounted.host === active) return mounted;
      return null;
    },

    /** The element inside our controls that has the focus (read from the closed root we hold). */
    focusedInside(mounted: Mounted): Element | null {
      return mounted.view?.shadow.activeElement ?? null;
    },

    /** Renders a response's controls now (a shortcut acts on it), then runs `command` in them; false if it did not apply. */
    run(mounted: Mounted, command: ControlsCommand): boolean {
      renderControls(mounted);
      return mounted.handle.current?.(command) ?? false;
    },
  };
}

export type ResponseControls = ReturnType<typeof createResponseControls>;
