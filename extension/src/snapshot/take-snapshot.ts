import { detectSelfHostedAdapter, siteAdapters } from '../sites/index.ts';
import { type PageSnapshot, snapshotDocument } from './page-snapshot.ts';

/**
 * The snapshot of the page this runs in, with the turns its site's adapter finds marked. Loaded only
 * when the person asks for it (entrypoints/page-snapshot.ts, injected by the background), so the
 * content script never carries it.
 */
export function takePageSnapshot(doc: Document, host: string): PageSnapshot {
  const adapter =
    siteAdapters.find((candidate) =>
      candidate.matches.some((pattern) => new URL(pattern.replace('/*', '/')).host === host),
    ) ?? detectSelfHostedAdapter(doc)?.adapter;
  const turns = new Map<Element, string>();
  try {
    for (const turn of adapter?.turns(doc) ?? []) turns.set(turn.element, turn.role ?? 'unknown');
  } catch {
    // A page broken enough to make the adapter throw is exactly what the snapshot is for.
  }
  return snapshotDocument(doc, { site: adapter?.id ?? 'unknown', turns });
}
