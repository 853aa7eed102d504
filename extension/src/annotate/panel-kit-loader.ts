import { Fragment, render } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { jsx, jsxs } from 'preact/jsx-runtime';
import { sendMessage } from '../utils/content-messaging.ts';
import { PANEL_BRIDGE } from './panel-bridge.ts';
import type { PanelKit } from './panels/panel-kit.ts';

/**
 * What the content script lends the panel script (exactly LENT_PREACT in panel-bridge.ts; the build
 * checks the panel script asks for nothing more), and how the panel script answers.
 */
export interface PanelBridge {
  preact: { render: typeof render };
  hooks: {
    useEffect: typeof useEffect;
    useLayoutEffect: typeof useLayoutEffect;
    useRef: typeof useRef;
    useState: typeof useState;
  };
  jsxRuntime: { Fragment: typeof Fragment; jsx: typeof jsx; jsxs: typeof jsxs };
  provide(kit: PanelKit): void;
}

/** How long prefetching waits for an idle moment on a busy page before it loads anyway. */
const PREFETCH_TIMEOUT_MS = 5_000;

let loaded: PanelKit | null = null;
let loading: Promise<PanelKit> | null = null;

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
      hooks: { useEffect, useLayoutEffect, useRef, useState },
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

/** Runs `work` the first time the page is idle (at most PREFETCH_TIMEOUT_MS from now on a busy page). */
function whenIdle(work: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(work, { timeout: PREFETCH_TIMEOUT_MS });
  else setTimeout(work, 0);
}

/** A failed load (the background restarting, say) is tried again this many times, this much later each time. */
const IDLE_ATTEMPTS = 5;
const IDLE_RETRY_MS = 2_000;

/**
 * Hands the panels to `use` once the page is idle, loading them then if nothing has yet: for what a
 * page needs soon but not before it is idle (the conversation bar, the health reports), and so that
 * the first panel the person opens shows at once (start-annotating.ts calls it once per page). Nothing is
 * done once the content script is invalidated (the extension reloaded or updated).
 */
export function withPanelKitWhenIdle(
  ctx: { readonly isValid: boolean },
  use: (kit: PanelKit) => void,
  load: () => Promise<PanelKit> = loadPanelKit,
): void {
  let failures = 0;
  const attempt = () =>
    void load().then(
      (kit) => {
        if (ctx.isValid) use(kit);
      },
      () => {
        failures += 1;
        if (failures < IDLE_ATTEMPTS && ctx.isValid) setTimeout(attempt, IDLE_RETRY_MS * failures);
      },
    );
  whenIdle(attempt);
}
