import type { Settings } from '../../utils/settings.ts';

/**
 * Settings read once and kept until storage changes: a save then costs no storage reads, which is
 * most of what a click waits for besides the write itself.
 */
export function cachedSettings(
  read: () => Promise<Settings>,
  onStorageChange: (listener: () => void) => void,
): () => Promise<Settings> {
  let cached: Promise<Settings> | null = null;
  onStorageChange(() => {
    cached = null;
  });
  return () => {
    const reading =
      cached ??
      read().catch((error: unknown) => {
        cached = null;
        throw error;
      });
    cached = reading;
    return reading;
  };
}
