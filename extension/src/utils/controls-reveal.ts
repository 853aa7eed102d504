import { storage } from 'wxt/utils/storage';

/**
 * When Margin's controls show beside a response: always, or only while the pointer is over their row
 * or the focus is in it (a quieter page; the mark stays as a faint hint). Kept apart from settings.ts,
 * which carries zod, because the content script reads it too.
 */
export type ControlsReveal = 'always' | 'hover';

export const controlsRevealItem = storage.defineItem<ControlsReveal>('local:controlsReveal', {
  fallback: 'always',
  version: 1,
});

/** Anything stored that is not a known value means the default. */
export function parseControlsReveal(value: unknown): ControlsReveal {
  return value === 'hover' ? 'hover' : 'always';
}
