import { storage } from 'wxt/utils/storage';
import { CONTROLS_REVEAL_KEY, type ControlsReveal, parseControlsReveal } from './controls-reveal-value.ts';

export { type ControlsReveal, parseControlsReveal };

/** The options page's handle on the setting (the content script reads the key directly). */
export const controlsRevealItem = storage.defineItem<ControlsReveal>(`local:${CONTROLS_REVEAL_KEY}`, {
  fallback: 'always',
  version: 1,
});
