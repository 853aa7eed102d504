import { useEffect, useState } from 'preact/hooks';
import { type ControlsReveal, controlsRevealItem, parseControlsReveal } from '../utils/controls-reveal.ts';

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
  controlsRevealItem.getValue().then(publish, () => undefined);
  // Applied live: the options page's change reaches every open chat page at once.
  controlsRevealItem.watch(publish);
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
