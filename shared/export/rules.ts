import type { Annotation } from '../annotation.ts';
import { type ExportOptions, toEpoch } from '../export-options.ts';
import type { Message } from '../message.ts';
import type { Prompt } from './example.ts';

/** The export's filters on an annotation's text-free fields (agreement reads with them too). */
export type AnnotationFilters = Pick<
  ExportOptions,
  | 'site'
  | 'model'
  | 'annotator'
  | 'tag'
  | 'excludeTag'
  | 'since'
  | 'until'
  | 'minScore'
  | 'maxScore'
  | 'hasComment'
  | 'hasCorrection'
>;

/** Whether an annotation's text-free fields pass the export's filters. */
export function passesFilters(annotation: Annotation, options: AnnotationFilters): boolean {
  const o = options;
  if (o.site && !o.site.includes(annotation.site)) return false;
  if (o.model && (annotation.model === null || !o.model.includes(annotation.model))) return false;
  if (o.annotator && !o.annotator.includes(annotation.annotator)) return false;
  if (o.tag && !annotation.tags.some((tag) => o.tag?.includes(tag))) return false;
  if (o.excludeTag && annotation.tags.some((tag) => o.excludeTag?.includes(tag))) return false;
  if (o.since !== undefined || o.until !== undefined) {
    const created = Date.parse(annotation.createdAt);
    if (o.since !== undefined && created < toEpoch(o.since)) return false;
    if (o.until !== undefined && created >= toEpoch(o.until)) return false;
  }
  if (o.minScore !== undefined && (annotation.score === null || annotation.score < o.minScore)) return false;
  if (o.maxScore !== undefined && (annotation.score === null || annotation.score > o.maxScore)) return false;
  if (o.hasComment !== undefined && (annotation.comment.trim() !== '') !== o.hasComment) return false;
  if (o.hasCorrection !== undefined && (annotation.correction !== null) !== o.hasCorrection) return false;
  return true;
}

/** Text compared for equality: whitespace runs collapsed, ends trimmed. */
export function normalizeWhitespace(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/**
 * What the correction means: none, a real replacement, or the original again (after whitespace
 * normalisation), which is an approval rather than a correction.
 */
export function correctionOf(annotation: Annotation): 'none' | 'approval' | 'replacement' {
  if (annotation.correction === null || annotation.correction.trim() === '') return 'none';
  return normalizeWhitespace(annotation.correction) === normalizeWhitespace(annotation.response)
    ? 'approval'
    : 'replacement';
}

export type Judgement = 'positive' | 'negative' | 'middle' | 'unrated' | 'conflicting';

/**
 * One annotation's thumb and score read together. Up, or a score at or above `positiveMin`, is
 * positive; down, or a score at or below `negativeMax`, is negative; both at once is a conflict.
 */
export function judge(annotation: Annotation, positiveMin: number, negativeMax: number): Judgement {
  const { thumb, score } = annotation;
  const positive = thumb === 'up' || (score !== null && score >= positiveMin);
  const negative = thumb === 'down' || (score !== null && score <= negativeMax);
  if (positive && negative) return 'conflicting';
  if (positive) return 'positive';
  if (negative) return 'negative';
  return thumb === null && score === null ? 'unrated' : 'middle';
}

/** The SFT target of an annotation, or why it is not an SFT example. */
export function sftTarget(
  annotation: Annotation,
  options: ExportOptions,
): { target: string; basis: string } | { skip: string } {
  const correction = correctionOf(annotation);
  if (correction === 'replacement') return { target: annotation.correction ?? '', basis: 'correction' };
  if (correction === 'approval') return { target: annotation.response, basis: 'correction-approves' };
  const judgement = judge(annotation, options.sftMinScore, options.ktoUndesirableMax);
  switch (judgement) {
    case 'positive':
      return { target: annotation.response, basis: annotation.thumb === 'up' ? 'thumb-up' : 'score' };
    case 'negative':
      return { skip: 'rated-bad' };
    case 'middle':
      return { skip: 'below-sft-threshold' };
    case 'unrated':
      return { skip: 'unrated' };
    case 'conflicting':
      return { skip: 'conflicting-signals' };
  }
}

/** KTO rows of an annotation (a correction gives two), or why it gives none. */
export function ktoRows(
  annotation: Annotation,
  options: ExportOptions,
): { rows: { completion: string; label: boolean; basis: string }[] } | { skip: string } {
  const correction = correctionOf(annotation);
  if (correction === 'replacement') {
    return {
      rows: [
        { completion: annotation.correction ?? '', label: true, basis: 'correction' },
        { completion: annotation.response, label: false, basis: 'corrected-original' },
      ],
    };
  }
  if (correction === 'approval')
    return { rows: [{ completion: annotation.response, label: true, basis: 'correction-approves' }] };
  const judgement = judge(annotation, options.ktoDesirableMin, options.ktoUndesirableMax);
  switch (judgement) {
    case 'positive':
      return {
        rows: [
          { completion: annotation.response, label: true, basis: annotation.thumb === 'up' ? 'thumb-up' : 'score' },
        ],
      };
    case 'negative':
      return {
        rows: [
          {
            completion: annotation.response,
            label: false,
            basis: annotation.thumb === 'down' ? 'thumb-down' : 'score',
          },
        ],
      };
    case 'middle':
      return { skip: 'kto-middle-score' };
    case 'unrated':
      return { skip: 'unrated' };
    case 'conflicting':
      return { skip: 'conflicting-signals' };
  }
}

/** Which of two variants (same context, different responses) is preferred, or why neither is. */
export function variantPreference(
  a: Annotation,
  b: Annotation,
  options: ExportOptions,
): { chosen: Annotation; rejected: Annotation; margin: number | null; basis: string } | { skip: string } {
  if (normalizeWhitespace(a.response) === normalizeWhitespace(b.response)) return { skip: 'pair-identical-responses' };
  const margin = (chosen: Annotation, rejected: Annotation) =>
    chosen.score !== null && rejected.score !== null ? Math.max(0, chosen.score - rejected.score) / 100 : null;
  const thumbsDiffer = a.thumb !== null && b.thumb !== null && a.thumb !== b.thumb;
  if (a.score !== null && b.score !== null && Math.abs(a.score - b.score) >= options.pairMinGap) {
    const [chosen, rejected] = a.score > b.score ? [a, b] : [b, a];
    // A score gap that the thumbs contradict (the higher-scored one is thumbed down) is no signal.
    if (thumbsDiffer && chosen.thumb === 'down') return { skip: 'pair-conflicting-signals' };
    return { chosen, rejected, margin: margin(chosen, rejected), basis: 'score-gap' };
  }
  if (thumbsDiffer) {
    const [chosen, rejected] = a.thumb === 'up' ? [a, b] : [b, a];
    if (chosen.score !== null && rejected.score !== null && chosen.score < rejected.score) {
      return { skip: 'pair-conflicting-signals' };
    }
    return { chosen, rejected, margin: margin(chosen, rejected), basis: 'thumbs' };
  }
  if (a.thumb === 'up' && b.thumb === 'up') return { skip: 'pair-both-up' };
  if (a.thumb === 'down' && b.thumb === 'down') return { skip: 'pair-both-down' };
  if (a.score !== null && b.score !== null)
    return a.score === b.score ? { skip: 'pair-tie' } : { skip: 'pair-gap-below-delta' };
  return { skip: 'pair-unrated' };
}

/**
 * Splits the captured context into system prompt and turns, or says why it cannot carry a target:
 * the rated response must follow a user (or tool) turn, and no turn may be empty.
 */
export function preparePrompt(
  context: readonly Message[],
  systemPrompt: string | undefined,
): Prompt | { skip: string } {
  let start = 0;
  const systemParts: string[] = [];
  while (start < context.length && context[start]?.role === 'system') {
    systemParts.push(context[start]?.content ?? '');
    start += 1;
  }
  const turns = context.slice(start);
  if (turns.some((turn) => turn.role === 'system')) return { skip: 'system-turn-mid-conversation' };
  if (turns.some((turn) => turn.content.trim() === '')) return { skip: 'empty-turn' };
  if (!turns.some((turn) => turn.role === 'user')) return { skip: 'no-user-turn' };
  const last = turns[turns.length - 1];
  if (last?.role !== 'user' && last?.role !== 'tool') return { skip: 'context-ends-with-assistant' };
  const own = systemParts.filter((part) => part.trim() !== '').join('\n\n');
  const system = own !== '' ? own : systemPrompt?.trim() ? systemPrompt : null;
  return { system, turns };
}
