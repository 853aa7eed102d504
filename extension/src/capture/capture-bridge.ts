import type { captureResponse, readTurn } from './capture-response.ts';

/**
 * The reading half of the capture (capture-response.ts and the markdown reader, to-markdown.ts) is a
 * script of its own, `capture-reader.js` (entrypoints/capture-reader.ts): the background injects it
 * into the content script's world when the content script asks (capture-loader.ts), and it hands its
 * functions back through this global of that world (never the page's). Nothing is web-accessible.
 */
export const CAPTURE_BRIDGE = 'marginCaptureBridge';

/** The capture script's entrypoint name, and the file the background injects. */
export const CAPTURE_SCRIPT_NAME = 'capture-reader';
export const CAPTURE_SCRIPT = `/${CAPTURE_SCRIPT_NAME}.js` as const;

/** What the capture script hands over. */
export interface CaptureReader {
  captureResponse: typeof captureResponse;
  readTurn: typeof readTurn;
}

/** The global the content script sets before asking for the capture script. */
export interface CaptureBridge {
  provide(reader: CaptureReader): void;
}
