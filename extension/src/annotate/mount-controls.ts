import { CONTROLS_CSS } from './controls-style.ts';
import type { Theme } from './theme.ts';

/** The host's tag: all the page can see of our controls. */
export const HOST_TAG = 'margin-annotator';

export interface MountedHost {
  host: HTMLElement;
  /** The element our UI renders into, inside the closed shadow root. */
  root: HTMLElement;
}

/**
 * Puts an empty host right after `anchor`, with a CLOSED shadow root (the page sees `shadowRoot === null`)
 * holding our styles and a root element. Key events stop at the shadow root so the chat page's
 * shortcuts do not fire while a person types in our fields.
 */
export function mountHost(anchor: Element, theme: Theme): MountedHost {
  const doc = anchor.ownerDocument;
  const host = doc.createElement(HOST_TAG);
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = doc.createElement('style');
  style.textContent = CONTROLS_CSS;
  const root = doc.createElement('div');
  root.className = 'root';
  root.setAttribute('data-theme', theme);
  shadow.append(style, root);
  for (const type of ['keydown', 'keyup', 'keypress']) {
    shadow.addEventListener(type, (event) => event.stopPropagation());
  }
  anchor.after(host);
  return { host, root };
}
