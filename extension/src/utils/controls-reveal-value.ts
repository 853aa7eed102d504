/**
 * When Margin's controls show beside a response: always, or only while the pointer is over their row
 * or the focus is in it (a quieter page; the mark stays as a faint hint). The content script reads the
 * stored value straight from `storage.local` under this key: it does not carry WXT's storage wrapper
 * (9 KB) to every chat page. controls-reveal.ts defines the same key as a WXT item for the options page.
 */
export type ControlsReveal = 'always' | 'hover';

/** The `storage.local` key (WXT's item `local:controlsReveal` stores its value under it). */
export const CONTROLS_REVEAL_KEY = 'controlsReveal';

/** Anything stored that is not a known value means the default. */
export function parseControlsReveal(value: unknown): ControlsReveal {
  return value === 'hover' ? 'hover' : 'always';
}
