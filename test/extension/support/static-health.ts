import { diagnose, type HealthProblem } from '../../../extension/src/annotate/health.ts';
import type { AnnotatorCounts } from '../../../extension/src/annotate/page-annotator.tsx';
import { turnText } from '../../../extension/src/capture/capture-response.ts';
import { hasLater, type SiteAdapter } from '../../../extension/src/sites/define-site-adapter.ts';

/**
 * The health check's verdict on a page that has settled (quiet for good, long past the grace period),
 * with the counts the content script's annotator would reach on it: each assistant turn is streaming,
 * without a place for controls, without readable text, or with controls.
 */
export function settledHealth(adapter: SiteAdapter, doc: Document, url: string): HealthProblem | null {
  const conversationId = adapter.conversationId(new URL(url));
  const counts: AnnotatorCounts = {
    conversationId,
    turns: doc.querySelectorAll(adapter.turnSelector).length,
    assistantTurns: 0,
    withControls: 0,
    withoutAnchor: 0,
    withoutText: 0,
    streaming: 0,
    stuck: 0,
    oldestStreamingMs: Number.POSITIVE_INFINITY,
    quietMs: Number.POSITIVE_INFINITY,
  };
  if (conversationId !== null) {
    for (const turn of adapter.turns(doc)) {
      if (turn.role !== 'assistant') continue;
      counts.assistantTurns += 1;
      if (adapter.isStreaming(turn, doc)) {
        counts.streaming += 1;
        if (hasLater(turn.element, adapter.turnSelector)) counts.stuck += 1;
      } else if (!adapter.anchor(turn)) counts.withoutAnchor += 1;
      else if (!turnText(adapter, turn)) counts.withoutText += 1;
      else counts.withControls += 1;
    }
  }
  return diagnose(adapter.label, counts, Number.POSITIVE_INFINITY);
}
