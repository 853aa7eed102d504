import type { UserKind } from '../../account.ts';
import type { Queue, QueueAnswer } from '../../queue.ts';
import type { QueueAdjudication } from '../../queue-adjudication.ts';
import type { ExportAggregate } from '../aggregates.ts';
import type { ItemDecision, ItemFinal } from './campaign-inputs.ts';

/**
 * What a campaign line's sidecar entry adds: `annotators` (the item's, not the aggregate's name) and
 * a `campaign` block with the queue, the item, how its answers were aggregated, its agreement, every
 * annotator's answer behind it (skips too, with their reason) and the adjudication if any. A pairwise
 * answer shows its preference as the annotator saw the sides (`preference`, A or B, with
 * `shown_order`) and as the item holds them (`preferred`: first, second or tie).
 */
export function campaignSidecar(entry: {
  queue: Queue;
  itemId: string;
  decision: ItemDecision;
  final: ItemFinal | null;
  aggregate: ExportAggregate;
  kinds?: ReadonlyMap<string, UserKind> | undefined;
}): Record<string, unknown> {
  const { queue, itemId, decision, final, aggregate } = entry;
  const done = decision.answers.filter((answer) => answer.status === 'done');
  const fromOne = aggregate === 'all' && final !== null;
  return {
    annotators: fromOne ? [final.annotator] : done.map((answer) => answer.annotator),
    campaign: {
      queue: queue.id,
      item_id: itemId,
      item_key: decision.key ?? null,
      aggregate,
      decided_by: final?.answer.decidedBy ?? decision.finals[0]?.answer.decidedBy ?? aggregate,
      ...(fromOne ? { answer_of: final.annotator } : {}),
      agreement: decision.agreement === null ? null : Math.round(decision.agreement * 1000) / 1000,
      answers: decision.answers.map((answer) => answerEntry(answer, entry.kinds)),
      adjudication: decision.adjudication ? adjudicationEntry(decision.adjudication) : null,
    },
  };
}

function answerEntry(answer: QueueAnswer, kinds: ReadonlyMap<string, UserKind> | undefined) {
  return {
    annotator: answer.annotator,
    kind: kinds?.get(answer.annotator) ?? 'human',
    status: answer.status,
    thumb: answer.thumb,
    score: answer.score,
    preference: answer.preference,
    shown_order: answer.shownOrder,
    preferred: answer.preferred,
    comment: answer.comment,
    correction: answer.correction,
    rubric: answer.rubric,
    ...(answer.reason === null ? {} : { reason: answer.reason }),
    answered_at: answer.answeredAt,
  };
}

function adjudicationEntry(adjudication: QueueAdjudication) {
  return {
    adjudicator: adjudication.adjudicator,
    decided_at: adjudication.decidedAt,
    thumb: adjudication.thumb,
    score: adjudication.score,
    preferred: adjudication.preferred,
    comment: adjudication.comment,
    correction: adjudication.correction,
    rubric: adjudication.rubric,
  };
}
