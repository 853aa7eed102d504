import type { Annotation } from '../annotation.ts';
import type { ExportOptions } from '../export-options.ts';
import { responsePairKey } from './comparison-pairing.ts';
import type { CandidateSink } from './example.ts';
import { preparePrompt, variantPreference } from './rules.ts';

/**
 * Pairs among variants, annotations of different responses to exactly the same context in one
 * conversation; adds the annotations that made a pair to `used`. Two responses an explicit comparison
 * already paired (`compared`, from `responsePairKey`) make no second pair: the comparison decides.
 */
export function variantPairs(
  batch: readonly Annotation[],
  options: ExportOptions,
  sink: CandidateSink,
  used: Set<Annotation>,
  compared: ReadonlySet<string> = new Set(),
): void {
  const groups = new Map<string, Annotation[]>();
  const contextsByVariantGroup = new Map<string, Set<string>>();
  for (const annotation of batch) {
    const contextKey = JSON.stringify(annotation.context);
    const group = groups.get(contextKey);
    if (group) group.push(annotation);
    else groups.set(contextKey, [annotation]);
    if (annotation.variant?.group) {
      const contexts = contextsByVariantGroup.get(annotation.variant.group) ?? new Set<string>();
      contexts.add(contextKey);
      contextsByVariantGroup.set(annotation.variant.group, contexts);
    }
  }
  for (const contexts of contextsByVariantGroup.values()) {
    // Marked as variants of one prompt, but captured with different contexts: never paired.
    if (contexts.size > 1) sink.skip('pair-contexts-differ', contexts.size - 1);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const first = group[0];
    const prompt = first ? preparePrompt(first.context, options.systemPrompt) : { skip: 'no-user-turn' };
    if ('skip' in prompt) continue; // already counted per annotation
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const a = group[i] as Annotation;
        const b = group[j] as Annotation;
        if (a.messageId === b.messageId) continue; // the same response judged twice: no variant pair
        if (compared.has(responsePairKey(a.response, b.response))) {
          sink.skip('pair-decided-by-comparison');
          used.add(a).add(b);
          continue;
        }
        const preference = variantPreference(a, b, options);
        if ('skip' in preference) {
          sink.skip(preference.skip);
          continue;
        }
        used.add(a).add(b);
        sink.emit({
          example: {
            kind: 'pair',
            prompt,
            chosen: preference.chosen.response,
            rejected: preference.rejected.response,
            margin: preference.margin,
          },
          sources: [preference.chosen, preference.rejected],
          basis: preference.basis,
        });
      }
    }
  }
}
