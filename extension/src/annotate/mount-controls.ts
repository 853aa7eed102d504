import CONTROLS_CSS from './controls.css?inline';
import type { Theme } from './theme.ts';

/** The host's tag: all the page can see of our controls. */
export const HOST_TAG = 'margin-annotator';

/** The inside of a host, which only we hold. */
export interface ControlsRoot {
  /** The closed shadow root (focus inside it is read from here). */
  shadow: ShadowRoot;
  /** The element our UI renders into. */
  root: HTMLElement;
}

/**
 * Puts an empty, bare host right after `anchor`: one per response, cheap enough for threads of
 * hundreds of responses. It takes no room until `attachControlsRoot` fills it.
 */
export function placeHost(anchor: Element): HTMLElement {
  const host = anchor.ownerDocument.createElement(HOST_TAG);
  anchor.after(host);
  return host;
}

/**
 * Gives a host its CLOSED shadow root (the page sees `shadowRoot === null`) holding our styles and the
 * element the controls render into, themed like the page. Key events stop at the shadow root so the
 * chat page's shortcuts do not fire while a person types in our fields.
 */
export function attachControlsRoot(host: HTMLElement, theme: Theme): ControlsRoot {
  const doc = host.ownerDocument;
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = doc.createElement('style');
  // Identical text in every root: the browser parses it once and shares the sheet.
  style.textContent = CONTROLS_CSS;
  const root = doc.createElement('div');
  root.className = 'root';
  root.setAttribute('data-theme', theme);
  shadow.append(style, root);
  for (const type of ['keydown', 'keyup', 'keypress']) {
    shadow.addEventListener(type, (event) => event.stopPropagation());
  }
  return { shadow, root };
}
