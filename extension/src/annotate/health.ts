import type { AnnotatorCounts } from './page-annotator.tsx';

/** What went wrong on a page of a supported site, in words the popup shows as they are. */
export type HealthProblem =
  | { kind: 'no-turns'; message: string }
  | { kind: 'no-anchor'; message: string }
  | { kind: 'no-text'; message: string }
  | { kind: 'never-finishes'; message: string };

/** A conversation page should show its messages within this long of the content script starting. */
export const NO_TURNS_GRACE_MS = 4_000;
/** A response marked as streaming this long, with no change to the page in the meantime, is stuck. */
export const STUCK_STREAMING_MS = 15_000;

/**
 * Whether the adapter is doing its job on this page. Silence is the failure mode of a site redesign
 * (selectors match nothing, controls never appear), so each way of going silent has a message:
 * - a conversation page (its URL has an id) where no message is found after NO_TURNS_GRACE_MS;
 * - finished responses without a place for the controls, or without text the adapter can read;
 * - responses that never stop looking like they are streaming while the page is quiet: all of them, or
 *   any with a later turn after it (only the last response can really be streaming).
 */
export function diagnose(label: string, counts: AnnotatorCounts, elapsedMs: number): HealthProblem | null {
  if (counts.conversationId !== null && counts.turns === 0 && elapsedMs >= NO_TURNS_GRACE_MS) {
    return {
      kind: 'no-turns',
      message: `${label}: Margin finds no messages on this conversation page. The site may have changed its layout; select text and use "Annotate selection" meanwhile.`,
    };
  }
  if (counts.withoutAnchor > 0) {
    const responses = counts.withoutAnchor === 1 ? '1 finished response' : `${counts.withoutAnchor} finished responses`;
    return {
      kind: 'no-anchor',
      message: `${label}: Margin finds ${responses} but no place to put its controls. Select text and use "Annotate selection" meanwhile.`,
    };
  }
  if (counts.withoutText > 0) {
    const responses = counts.withoutText === 1 ? '1 finished response' : `${counts.withoutText} finished responses`;
    return {
      kind: 'no-text',
      message: `${label}: Margin finds ${responses} but cannot read their text. The site may have changed its layout; select text and use "Annotate selection" meanwhile.`,
    };
  }
  const stuck = counts.withControls === 0 || counts.stuck > 0;
  if (counts.streaming > 0 && stuck && counts.quietMs >= STUCK_STREAMING_MS) {
    const responses = counts.streaming === 1 ? '1 response' : `${counts.streaming} responses`;
    return {
      kind: 'never-finishes',
      message: `${label}: ${responses} never look finished to Margin, so they get no controls. The site may have changed its layout; select text and use "Annotate selection" meanwhile.`,
    };
  }
  return null;
}
