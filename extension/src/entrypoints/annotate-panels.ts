import { defineUnlistedScript } from '#imports';
import { PANEL_BRIDGE } from '../annotate/panel-bridge.ts';
import type { PanelBridge } from '../annotate/panel-kit-loader.ts';
import { panelKit } from '../annotate/panels/panel-kit.ts';

// The controls' panels, injected by the background into a chat page's content script world when the
// content script asks (annotate/panel-kit-loader.ts): kept out of the content script every page loads.
// It renders with the content script's Preact (build/panel-script.ts) and hands its panels back.
export default defineUnlistedScript({
  globalName: false,
  main() {
    const bridge = (globalThis as unknown as Record<string, PanelBridge | undefined>)[PANEL_BRIDGE];
    bridge?.provide(panelKit);
  },
});
