import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { CONTROLS_REVEAL_KEY, type ControlsReveal, parseControlsReveal } from '../utils/controls-reveal-value.ts';

/** One read and one storage watch for the whole page, shared by every response's controls. */
let current: ControlsReveal = 'always';
const listeners = new Set<(value: ControlsReveal) => void>();
let watching = false;

function publish(value: unknown): void {
  current = parseControlsReveal(value);
  for (const listener of listeners) listener(current);
}

function watch(): void {
  if (watching) return;
  watching = true;
  browser.storage.local.get(CONTROLS_REVEAL_KEY).then(
    (stored) => publish(stored[CONTROLS_REVEAL_KEY]),
    () => undefined,
  );
  // Applied live: the options page's change reaches every open chat page at once.
  browser.storage.onChanged.addListener((changes, area) => {
    const change = changes[CONTROLS_REVEAL_KEY];
    if (area === 'local' && change) publish(change.newValue);
  });
}

/** The "show controls only on hover or focus" option, as it is now. */
export function useControlsReveal(): ControlsReveal {
  const [value, setValue] = useState(current);
  useEffect(() => {
    listeners.add(setValue);
    setValue(current);
    watch();
    return () => {
      listeners.delete(setValue);
    };
  }, []);
  return value;
}
