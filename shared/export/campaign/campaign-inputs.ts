import type { UserKind } from '../../account.ts';
import type { Annotation } from '../../annotation.ts';
import type { Comparison } from '../../comparison.ts';
import type { ExportOptions } from '../../export-options.ts';
import type { Queue, QueueAnswer, QueueItem } from '../../queue.ts';
import type { QueueAdjudication } from '../../queue-adjudication.ts';
import { DEFAULT_AGGREGATE, type ExportAggregate } from '../aggregates.ts';
import type { AnyIterable } from '../engine.ts';
import { exportFormatDefinition } from '../formats/index.ts';
import type { ExportSummary, Provenance } from '../sidecar.ts';
import { EXPORT_SOURCES } from '../sources.ts';
import { aggregateAnswers, type FinalAnswer } from './aggregate.ts';
import { campaignSidecar } from './campaign-sidecar.ts';
import { itemAgreements } from './item-agreement.ts';

/** A campaign queue and everything an export reads of it but its items (streamed apart: they are large). */
export interface Campaign {
  queue: Queue;
  answers: readonly QueueAnswer[];
  adjudications: readonly QueueAdjudication[];
  /** Annotators marked as models (users of kind `model`); anyone else is human. */
  kinds?: ReadonlyMap<string, UserKind>;
}

/** One line-to-be of an item: its final answer and who gave it (`all`: one per annotator). */
export interface ItemFinal {
  id: string;
  annotator: string;
  answer: FinalAnswer;
}

/** What the campaign decided for one item before the export's rules see it. */
export interface ItemDecision {
  finals: ItemFinal[];
  agreement: number | null;
  answers: QueueAnswer[];
  adjudication: QueueAdjudication | undefined;
  key?: string;
}

/** Why an item of the campaign gives no line before the export's rules look at it. */
export type CampaignSkip = 'no-answers' | 'no-majority' | 'below-min-agreement' | 'too-few-answers';

/** The export engine's inputs for a campaign, and the hooks that add the campaign to its sidecar and summary. */
export interface CampaignPlan {
  /** The options the engine runs with: every source (the queue chose its items), annotators applied here. */
  options: ExportOptions;
  /** Pairwise items' preferences (the engine reads them before the annotations). */
  comparisons: Comparison[];
  /** One record per item (or per answer, `all`); a pairwise item's two responses as two records. */
  annotations(items: AnyIterable<QueueItem>): AsyncGenerator<Annotation>;
  sidecar(provenance: Provenance): Record<string, unknown> | undefined;
  finish(summary: ExportSummary): void;
}

/** Why the options cannot export this queue (the field and the words), or null. */
export function campaignProblem(queue: Queue, options: ExportOptions): { path: string; message: string } | null {
  const kind = exportFormatDefinition(options.format).kind;
  if (queue.kind === 'pairwise' && (kind === 'sft' || kind === 'kto')) {
    return {
      path: 'format',
      message: `queue "${queue.id}" is pairwise: its answers are preferences between two responses, which the preference-pair formats write (trl-dpo, openai-dpo, …) or raw; ${options.format} needs rated single responses`,
    };
  }
  return null;
}

/**
 * Turns a campaign's answers into the export engine's own inputs (docs/queues.md, "Exporting a
 * campaign"): a single item becomes an annotation carrying the aggregated thumb, score, comment,
 * correction and rubric; a pairwise item becomes its two responses as annotations and a comparison
 * whose winner is the aggregated preference (chosen = the preferred response). Every format, filter,
 * skip reason and the sidecar then work as for annotations. Each item is its own conversation (its
 * id), so items never pair with each other.
 */
export function planCampaign(campaign: Campaign, options: ExportOptions): CampaignPlan {
  const { queue } = campaign;
  const aggregate: ExportAggregate = options.aggregate ?? DEFAULT_AGGREGATE;
  const kind = exportFormatDefinition(options.format).kind;
  const counted = (answer: QueueAnswer) =>
    options.annotator === undefined || options.annotator.includes(answer.annotator);
  const byItem = new Map<string, QueueAnswer[]>();
  const doneByItem = new Map<string, QueueAnswer[]>();
  for (const answer of campaign.answers) {
    byItem.set(answer.itemId, [...(byItem.get(answer.itemId) ?? []), answer]);
    if (answer.status === 'done' && counted(answer))
      doneByItem.set(answer.itemId, [...(doneByItem.get(answer.itemId) ?? []), answer]);
  }
  const adjudications = new Map(campaign.adjudications.map((entry) => [entry.itemId, entry]));
  const agreements = itemAgreements(queue, doneByItem);
  const skipped: Partial<Record<CampaignSkip, number>> = {};
  const skip = (reason: CampaignSkip) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };

  const decisions = new Map<string, ItemDecision | { skip: CampaignSkip }>();
  for (const [itemId, done] of doneByItem) {
    const adjudication = adjudications.get(itemId);
    const agreement = agreements.get(itemId) ?? null;
    const settled = aggregate === 'adjudicated' && adjudication !== undefined;
    if (options.minAgreement !== undefined && !settled) {
      if (agreement === null) {
        decisions.set(itemId, { skip: 'too-few-answers' });
        continue;
      }
      if (agreement < options.minAgreement) {
        decisions.set(itemId, { skip: 'below-min-agreement' });
        continue;
      }
    }
    const base = { agreement, answers: byItem.get(itemId) ?? [], adjudication };
    if (aggregate === 'all') {
      const finals = done.map((answer) => ({
        id: `${itemId}:${answer.annotator}`,
        annotator: answer.annotator,
        answer: { ...answer, decidedBy: 'answer' as const },
      }));
      decisions.set(itemId, { ...base, finals });
      continue;
    }
    const final = aggregateAnswers(queue, done, adjudication, aggregate);
    if ('skip' in final) {
      decisions.set(itemId, final);
      continue;
    }
    const annotator = final.decidedBy === 'adjudication' ? (adjudication?.adjudicator ?? aggregate) : aggregate;
    decisions.set(itemId, { ...base, finals: [{ id: `${itemId}:${aggregate}`, annotator, answer: final }] });
  }

  const comparisons: Comparison[] = [];
  const lineFinals = new Map<string, { itemId: string; final: ItemFinal | null }>();
  if (queue.kind === 'pairwise') {
    for (const [itemId, decision] of decisions) {
      if ('skip' in decision) continue;
      for (const final of decision.finals) {
        if (final.answer.preferred === null) continue;
        const at = lastTime(decision);
        comparisons.push({
          schemaVersion: 1,
          id: final.id,
          a: `${itemId}:first`,
          b: `${itemId}:second`,
          winner: final.answer.preferred === 'first' ? 'a' : final.answer.preferred === 'second' ? 'b' : 'tie',
          annotator: final.annotator,
          createdAt: at,
          updatedAt: at,
          deletedAt: null,
          revision: 1,
        });
        lineFinals.set(final.id, { itemId, final });
      }
    }
  }

  async function* annotations(items: AnyIterable<QueueItem>): AsyncGenerator<Annotation> {
    for await (const item of items) {
      const decision = decisions.get(item.id) ?? { skip: 'no-answers' };
      if ('skip' in decision) {
        skip(decision.skip);
        continue;
      }
      decision.key = item.key;
      const metadata = (final: ItemFinal | null) => ({
        ...item.metadata,
        'queue.id': queue.id,
        'queue.item': item.id,
        'queue.aggregate': aggregate,
        'queue.decidedBy': final?.answer.decidedBy ?? aggregate,
        'queue.answers': decision.answers.filter((answer) => answer.status === 'done').length,
        'queue.agreement': decision.agreement === null ? null : round(decision.agreement),
      });
      const record = (id: string, final: ItemFinal | null, response: string, model: string | null): Annotation => {
        lineFinals.set(id, { itemId: item.id, final });
        return {
          schemaVersion: 2,
          id,
          key: item.key,
          site: siteOf(item),
          url: item.url ?? '',
          conversationId: item.id,
          messageId: item.id,
          model,
          modelSource: 'unknown',
          context: item.messages,
          response,
          variant: null,
          thumb: final?.answer.thumb ?? null,
          score: final?.answer.score ?? null,
          comment: final?.answer.comment ?? '',
          tags: [],
          correction: final?.answer.correction ?? null,
          ...(final && Object.keys(final.answer.rubric).length > 0
            ? { rubric: { version: 1, answers: final.answer.rubric } }
            : {}),
          metadata: metadata(final),
          annotator: final?.annotator ?? aggregate,
          createdAt: item.createdAt,
          updatedAt: lastTime(decision),
          deletedAt: null,
          revision: 1,
        };
      };
      if (item.responses === null) {
        for (const final of decision.finals) yield record(final.id, final, item.response ?? '', item.model);
        continue;
      }
      // A pair format needs the sides only where a preference picks one; the engine counts the ties.
      const decided = decision.finals.some(
        (final) => final.answer.preferred === 'first' || final.answer.preferred === 'second',
      );
      if (kind === 'pair' && !decided) continue;
      const [first, second] = item.responses;
      yield record(`${item.id}:first`, null, first.text, first.model ?? item.model);
      yield record(`${item.id}:second`, null, second.text, second.model ?? item.model);
    }
  }

  return {
    options: { ...options, source: [...EXPORT_SOURCES], annotator: undefined },
    comparisons,
    annotations,
    sidecar: (provenance) => {
      const id = provenance.comparisonId ?? provenance.sources[0]?.id;
      const line = id === undefined ? undefined : lineFinals.get(id);
      const decision = line && decisions.get(line.itemId);
      if (!line || decision === undefined || 'skip' in decision) return undefined;
      return campaignSidecar({
        queue,
        itemId: line.itemId,
        decision,
        final: line.final,
        aggregate,
        kinds: campaign.kinds,
      });
    },
    finish: (summary) => {
      for (const [reason, count] of Object.entries(skipped))
        summary.skipped[reason] = (summary.skipped[reason] ?? 0) + count;
      const answered = new Set(campaign.answers.map((answer) => answer.annotator));
      for (const name of options.annotator ?? []) {
        if (!answered.has(name)) summary.warnings.push(`annotator "${name}" has no answer in queue "${queue.id}"`);
      }
      summary.campaign = {
        queue: queue.id,
        kind: queue.kind,
        aggregate,
        minAgreement: options.minAgreement ?? null,
        answers: [...doneByItem.values()].reduce((sum, done) => sum + done.length, 0),
        adjudications: adjudications.size,
      };
    },
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** The item's site when it came from a capture (its metadata names it), else `queue`. */
function siteOf(item: QueueItem): string {
  const site = item.metadata.site;
  return typeof site === 'string' && /^[a-z0-9][a-z0-9-]{0,39}$/.test(site) ? site : 'queue';
}

/** When the item's final answer was last given: its latest answer or adjudication. */
function lastTime(decision: ItemDecision): string {
  const times = decision.answers.map((answer) => answer.answeredAt);
  if (decision.adjudication) times.push(decision.adjudication.decidedAt);
  return times.sort().at(-1) ?? new Date(0).toISOString();
}
