import { defineUnlistedScript } from '#imports';
import { CAPTURE_BRIDGE, type CaptureBridge } from '../capture/capture-bridge.ts';
import { captureResponse, readTurn } from '../capture/capture-response.ts';

// The capture's reader (a response and its context to markdown), injected by the background into a
// chat page's content script world when the content script asks (capture/capture-loader.ts): the
// content script every chat page loads only checks that a finished response has words.
export default defineUnlistedScript({
  globalName: false,
  main() {
    const bridge = (globalThis as unknown as Record<string, CaptureBridge | undefined>)[CAPTURE_BRIDGE];
    bridge?.provide({ captureResponse, readTurn });
  },
});
