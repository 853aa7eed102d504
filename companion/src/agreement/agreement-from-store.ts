import {
  type AgreementOptions,
  type AgreementReport,
  agreementReportAsync,
  type RatedResponse,
  type Rating,
  ratingOf,
} from '../../../shared/agreement/index.ts';
import type { Annotation } from '../../../shared/annotation.ts';
import { isPartialCapture } from '../../../shared/capture-completeness.ts';
import { annotationSource, passesFilters } from '../../../shared/export/index.ts';

/** What agreement reads: the live annotations of either store (tombstones are never asked for). */
export interface AgreementSource {
  iterateAnnotations(options?: { order?: 'sequence' | 'conversation' }): AsyncIterable<Annotation>;
}

/**
 * The agreement report over what the store holds: every live annotation that passes the export's
 * filters (source, site, model, annotator, tags, dates, partial captures) is kept as a rating of its
 * response (annotation key); responses rated by two or more distinct annotators are the units.
 * Only the ratings are held, never the texts, so memory grows by a few numbers per annotation.
 */
export async function agreementFromStore(source: AgreementSource, options: AgreementOptions): Promise<AgreementReport> {
  const byKey = new Map<string, Map<string, Rating>>();
  let read = 0;
  for await (const annotation of source.iterateAnnotations({ order: 'sequence' })) {
    if (annotation.deletedAt !== null) continue;
    if (!options.source.includes(annotationSource(annotation))) continue;
    if (!passesFilters(annotation, options)) continue;
    if (options.skipPartial && isPartialCapture(annotation.metadata)) continue;
    read += 1;
    let ratings = byKey.get(annotation.key);
    if (!ratings) {
      ratings = new Map();
      byKey.set(annotation.key, ratings);
    }
    // One annotation per key per annotator is the store's rule; should two arrive, the later wins.
    ratings.set(annotation.annotator, ratingOf(annotation));
  }
  const rated: RatedResponse[] = [...byKey.entries()].map(([key, ratings]) => ({
    key,
    ratings: [...ratings.values()],
  }));
  return agreementReportAsync(rated, options, read, () => new Promise((resolve) => setImmediate(resolve)));
}
