import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';

/**
 * The result of a Dexie query, kept current: Dexie re-runs it when a transaction in any context of
 * the extension (the background's sync, another page) changes what it read.
 */
export function useLiveQuery<T>(query: () => Promise<T>, deps: unknown[] = []): { value?: T; error?: string } {
  const [result, setResult] = useState<{ value?: T; error?: string }>({});
  useEffect(() => {
    const subscription = liveQuery(query).subscribe({
      next: (value) => setResult({ value }),
      error: (error: unknown) => setResult({ error: error instanceof Error ? error.message : String(error) }),
    });
    return () => subscription.unsubscribe();
  }, deps);
  return result;
}
