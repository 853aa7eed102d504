import type { Annotation } from '../annotation.ts';
import type { Comparison } from '../comparison.ts';
import type { ExportOptions } from '../export-options.ts';
import type { CandidateSink } from './example.ts';
import { normalizeWhitespace, preparePrompt } from './rules.ts';

/** Names the two responses of a pair, in either order (whitespace-normalised). */
export function responsePairKey(a: string, b: string): string {
  return [normalizeWhitespace(a), normalizeWhitespace(b)].sort().join('\u0000');
}

/**
 * Explicit comparisons, read before the annotations and kept (one small record each) until both of
 * their annotations have arrived; then each gives a pair, chosen side first.
 */
export class ComparisonPairing {
  /** Annotation id → the comparisons naming it. */
  private readonly byAnnotation = new Map<string, Comparison[]>();
  /** Comparison id → the sides that have arrived so far. */
  private readonly sides = new Map<string, { a?: Annotation; b?: Annotation }>();

  /** Keeps a live, decided comparison; otherwise returns why it gives no pair. */
  add(comparison: Comparison): 'comparison-tombstoned' | 'comparison-tie' | null {
    if (comparison.deletedAt !== null) return 'comparison-tombstoned';
    if (comparison.winner === 'tie') return 'comparison-tie';
    this.sides.set(comparison.id, {});
    for (const id of [comparison.a, comparison.b]) {
      const list = this.byAnnotation.get(id);
      if (list) list.push(comparison);
      else this.byAnnotation.set(id, [comparison]);
    }
    return null;
  }

  /**
   * Emits the pairs this conversation's annotations complete; adds their annotations to `used`.
   * Returns the two responses of each pair it made (`responsePairKey`), so thumbs and scores of the
   * same two responses do not make a second pair beside the person's explicit choice.
   */
  pairs(batch: readonly Annotation[], options: ExportOptions, sink: CandidateSink, used: Set<Annotation>): Set<string> {
    const compared = new Set<string>();
    for (const annotation of batch) {
      for (const comparison of this.byAnnotation.get(annotation.id) ?? []) {
        const pending = this.sides.get(comparison.id);
        if (!pending) continue;
        if (comparison.a === annotation.id) pending.a = annotation;
        else pending.b = annotation;
        if (!pending.a || !pending.b) continue;
        this.sides.delete(comparison.id);
        const [chosen, rejected] = comparison.winner === 'a' ? [pending.a, pending.b] : [pending.b, pending.a];
        if (JSON.stringify(chosen.context) !== JSON.stringify(rejected.context)) {
          sink.skip('comparison-contexts-differ');
          continue;
        }
        if (normalizeWhitespace(chosen.response) === normalizeWhitespace(rejected.response)) {
          sink.skip('pair-identical-responses');
          continue;
        }
        const prompt = preparePrompt(chosen.context, options.systemPrompt);
        if ('skip' in prompt) {
          sink.skip(prompt.skip);
          continue;
        }
        used.add(chosen).add(rejected);
        compared.add(responsePairKey(chosen.response, rejected.response));
        const margin =
          chosen.score !== null && rejected.score !== null ? Math.max(0, chosen.score - rejected.score) / 100 : null;
        sink.emit({
          example: { kind: 'pair', prompt, chosen: chosen.response, rejected: rejected.response, margin },
          sources: [chosen, rejected],
          basis: 'comparison',
          comparisonId: comparison.id,
        });
      }
    }
    return compared;
  }

  /** Comparisons still waiting for an annotation (at the end: one never arrived). */
  get waiting(): number {
    return this.sides.size;
  }
}
