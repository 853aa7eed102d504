import { Fragment, render } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { jsx, jsxs } from 'preact/jsx-runtime';
import { sendMessage } from '../utils/messaging.ts';
import { PANEL_BRIDGE } from './panel-bridge.ts';
import type { PanelKit } from './panels/panel-kit.ts';

/**
 * What the content script lends the panel script (exactly LENT_PREACT in panel-bridge.ts; the build
 * checks the panel script asks for nothing more), and how the panel script answers.
 */
export interface PanelBridge {
  preact: { render: typeof render };
  hooks: { useLayoutEffect: typeof useLayoutEffect; useRef: typeof useRef };
  jsxRuntime: { Fragment: typeof Fragment; jsx: typeof jsx; jsxs: typeof jsxs };
  provide(kit: PanelKit): void;
}

/** How long prefetching waits for an idle moment on a busy page before it loads anyway. */
const PREFETCH_TIMEOUT_MS = 5_000;

let loaded: PanelKit | null = null;
let loading: Promise<PanelKit> | null = null;
let prefetched = false;

/** The panels, if the panel script has run in this page already. */
export function loadedPanelKit(): PanelKit | null {
  return loaded;
}

/**
 * The panels (panels/panel-kit.ts): the panel script is injected once per page, by the background
 * (`inject`), and hands them over through the bridge while it runs. A failed load is tried again on
 * the next call.
 */
export function loadPanelKit(inject: () => Promise<unknown> = () => sendMessage('loadPanelKit')): Promise<PanelKit> {
  if (loaded) return Promise.resolve(loaded);
  if (!loading) {
    const bridge: PanelBridge = {
      preact: { render },
      hooks: { useLayoutEffect, useRef },
      jsxRuntime: { Fragment, jsx, jsxs },
      provide: (kit) => {
        loaded = kit;
      },
    };
    (globalThis as unknown as Record<string, PanelBridge>)[PANEL_BRIDGE] = bridge;
    loading = inject().then(() => {
      if (!loaded) throw new Error('the panel script gave no panels');
      return loaded;
    });
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/**
 * Loads the panels the first time the page is idle, so the first panel the person opens shows at once.
 * Called by every response's controls when they mount; only the first call does anything.
 */
export function prefetchPanelKit(): void {
  if (prefetched || loaded) return;
  prefetched = true;
  const load = () => void loadPanelKit().catch(() => undefined);
  if (typeof requestIdleCallback === 'function') requestIdleCallback(load, { timeout: PREFETCH_TIMEOUT_MS });
  else setTimeout(load, 0);
}
