import type { ComparisonState, ResponseCaptureInput } from '../utils/annotation-input.ts';

export type Winner = 'a' | 'b' | 'tie';

/** A verdict in words, as the compare panel and the saved status say it. */
export const VERDICTS: Record<Winner, string> = { a: 'A is better', b: 'B is better', tie: 'Tie' };

/** Another variant of the same prompt that the current response can be compared with. */
export interface CompareCandidate {
  messageId: string;
  /** "Variant 1 of 3". */
  label: string;
  /** The start of its text, to tell the variants apart. */
  preview: string;
  capture: ResponseCaptureInput;
  /** The verdict already given for this pair, seen from the current response (it is `a`), if any. */
  previous: Winner | null;
}

const PREVIEW_CHARS = 140;

/**
 * The variants seen on this page that `current` can be compared with: same variant group, another
 * message, exactly the same context (the export pairs nothing else), ordered by variant index.
 */
export function compareCandidates(
  current: ResponseCaptureInput,
  seen: ReadonlyMap<string, ResponseCaptureInput>,
  comparisons: readonly ComparisonState[],
): CompareCandidate[] {
  const group = current.variant?.group;
  if (!group) return [];
  const context = JSON.stringify(current.context);
  const candidates: CompareCandidate[] = [];
  for (const other of seen.values()) {
    if (other.messageId === current.messageId || other.variant?.group !== group) continue;
    if (other.conversationId !== current.conversationId || JSON.stringify(other.context) !== context) continue;
    candidates.push({
      messageId: other.messageId,
      label: `Variant ${other.variant.index} of ${other.variant.count}`,
      preview: preview(other.response),
      capture: other,
      previous: previousVerdict(comparisons, current.messageId, other.messageId),
    });
  }
  return candidates.sort((x, y) => (x.capture.variant?.index ?? 0) - (y.capture.variant?.index ?? 0));
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat;
}

/** The stored verdict between `a` and `b`, turned around when it was given the other way round. */
export function previousVerdict(comparisons: readonly ComparisonState[], a: string, b: string): Winner | null {
  for (const comparison of comparisons) {
    if (comparison.a === a && comparison.b === b) return comparison.winner;
    if (comparison.a === b && comparison.b === a) {
      return comparison.winner === 'tie' ? 'tie' : comparison.winner === 'a' ? 'b' : 'a';
    }
  }
  return null;
}
