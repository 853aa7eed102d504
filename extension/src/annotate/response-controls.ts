import { render } from 'preact';
import type { ControlsCommand, ControlsHandle } from './controls.tsx';
import { attachControlsRoot, type ControlsRoot, HOST_TAG, placeHost } from './mount-controls.ts';
import type { Theme } from './theme.ts';
import { watchTheme } from './theme-watch.ts';

/** One response's controls, made when its turn comes near the viewport (near-viewport.ts) or a shortcut reaches it. */
export interface Mounted {
  key: string;
  conversationId: string;
  messageId: string;
  anchor: Element;
  turn: Element;
  host: HTMLElement;
  /** The closed root the controls render into. */
  view: ControlsRoot;
  /** Set by the rendered controls: what keyboard shortcuts call. */
  handle: { current: ControlsHandle | null };
}

/**
 * The controls of every response on the page, keyed by response (`site:conversation:message`), so a
 * virtualized remount or a re-render replaces a response's host and never leaves two. The annotator
 * places a response's host only once its turn is near the viewport (or a shortcut reaches it), so the
 * host, its closed root and the rendered controls (`renderInto`) all come at once.
 */
export function createResponseControls(doc: Document, renderInto: (mounted: Mounted, root: HTMLElement) => void) {
  const byTurn = new WeakMap<Element, Mounted>();
  const byKey = new Map<string, Mounted>();
  /** Every host this page's controls made: a `margin-annotator` not in here is a page's copy of one. */
  const ours = new WeakSet<Element>();
  /** The page's theme, watched from the first host placed on (read once, not per host: see watchTheme). */
  let theme: Theme = 'light';
  let stopTheme: (() => void) | undefined;

  function unmount(mounted: Mounted): void {
    render(null, mounted.view.root);
    mounted.host.remove();
    if (byKey.get(mounted.key) === mounted) byKey.delete(mounted.key);
    if (byTurn.get(mounted.turn) === mounted) byTurn.delete(mounted.turn);
  }

  return {
    /** Removes every host (context invalidated: update or reload). */
    stop(): void {
      stopTheme?.();
      for (const mounted of byKey.values()) unmount(mounted);
    },

    /** Puts the controls of response `key` right after `anchor`, unless they are there already. */
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

      // The site switched to dark (or back): every rendered root follows at once.
      stopTheme ??= watchTheme(doc, (next) => {
        theme = next;
        for (const mounted of byKey.values()) mounted.view.root.setAttribute('data-theme', next);
      });
      const host = placeHost(anchor);
      const mounted: Mounted = {
        key,
        conversationId,
        messageId,
        anchor,
        turn,
        host,
        view: attachControlsRoot(host, theme),
        handle: { current: null },
      };
      ours.add(host);
      byTurn.set(turn, mounted);
      byKey.set(key, mounted);
      renderInto(mounted, mounted.view.root);
    },

    /** The controls of `turn`, if it has them. */
    mountedIn(turn: Element): Mounted | null {
      const mounted = byTurn.get(turn);
      return mounted && byKey.get(mounted.key) === mounted && mounted.host.isConnected ? mounted : null;
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
      return mounted.view.shadow.activeElement;
    },

    /** Runs `command` in a response's controls; false if it did not apply. */
    run(mounted: Mounted, command: ControlsCommand): boolean {
      return mounted.handle.current?.(command) ?? false;
    },
  };
}

export type ResponseControls = ReturnType<typeof createResponseControls>;
