import type { PageTurn, SiteAdapter } from '../sites/define-site-adapter.ts';
import { sendMessage } from '../utils/content-messaging.ts';
import { CAPTURE_BRIDGE, type CaptureBridge, type CaptureReader } from './capture-bridge.ts';
import type { CaptureOptions, ResponseCapture, TurnReading } from './capture-response.ts';

/**
 * The capture as the content script sees it: the words check, the keys and the message ids are here;
 * reading a response and its context (`readTurn`, `captureResponse`) is done by the capture script,
 * which the background injects (capture-bridge.ts). startAnnotating loads it before the page's
 * annotator starts, so every caller finds it there; a call without it throws, never reads nothing.
 */
export type { CaptureOptions, ResponseCapture, TurnMemory, TurnReading } from './capture-response.ts';
export { responseKey, synthesizeMessageId } from './response-key.ts';
export { turnHasText } from './turn-rules.ts';

let loaded: CaptureReader | null = null;
let loading: Promise<CaptureReader> | null = null;

/** The capture script's reader: injected once per page; a failed load is tried again on the next call. */
export function loadCaptureReader(
  inject: () => Promise<unknown> = () => sendMessage('loadCaptureReader'),
): Promise<CaptureReader> {
  if (loaded) return Promise.resolve(loaded);
  if (!loading) {
    const bridge: CaptureBridge = {
      provide: (reader) => {
        loaded = reader;
      },
    };
    (globalThis as unknown as Record<string, CaptureBridge>)[CAPTURE_BRIDGE] = bridge;
    loading = inject().then(() => {
      if (!loaded) throw new Error('the capture script gave no reader');
      return loaded;
    });
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** A failed load (the background restarting, say) is tried again this many times, this much later each time. */
const ATTEMPTS = 5;
const RETRY_MS = 1_000;

/**
 * Loads the capture script, trying again after a failure; false (and the reason in the console) when
 * every attempt failed or the content script was invalidated meanwhile.
 */
export async function loadCaptureReaderPatiently(
  ctx: { readonly isValid: boolean },
  load: () => Promise<CaptureReader> = loadCaptureReader,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<boolean> {
  for (let attempt = 1; ctx.isValid; attempt++) {
    try {
      await load();
      return ctx.isValid;
    } catch (error) {
      if (attempt >= ATTEMPTS) {
        console.error(`Margin could not load its capture script, so it shows no controls on this page: ${error}`);
        return false;
      }
      await wait(RETRY_MS * attempt);
    }
  }
  return false;
}

function reader(): CaptureReader {
  if (loaded) return loaded;
  throw new Error('Margin cannot read this response: its capture script is not loaded; reload the page');
}

/** The turn's content as markdown (capture-response.ts `readTurn`, run by the capture script). */
export function readTurn(adapter: SiteAdapter, turn: PageTurn): TurnReading {
  return reader().readTurn(adapter, turn);
}

/** One assistant response and its context (capture-response.ts `captureResponse`, run by the capture script). */
export function captureResponse(
  adapter: SiteAdapter,
  doc: Document,
  url: string,
  turnElement: Element,
  options?: CaptureOptions,
): ResponseCapture | null {
  return reader().captureResponse(adapter, doc, url, turnElement, options);
}
