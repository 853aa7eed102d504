import type { Annotation } from '../annotation.ts';
import { API_SITE } from '../feedback.ts';
import { REVIEW_SITE } from '../review.ts';

/**
 * Where an annotation came from, as `--source` chooses it. Only `capture` (a person rating a chat
 * page with the extension) is exported by default: approved pipeline reviews, logged API calls and
 * imported history are other kinds of data (a review's "response" may be rows of a table), so each
 * export opts in to them by name.
 */
export const EXPORT_SOURCES = ['capture', 'review', 'api', 'import'] as const;
export type AnnotationSource = (typeof EXPORT_SOURCES)[number];

/** What each source is, in the words the CLI help, the summary and docs/export.md use. */
export const EXPORT_SOURCE_TEXT: Record<AnnotationSource, string> = {
  capture: 'ratings made on chat pages with the extension',
  review: 'decisions on pipeline reviews (site "review")',
  api: 'logged LLM calls and their feedback (site "api")',
  import: 'ratings imported from chat history exports (metadata.source, e.g. "chatgpt-export")',
};

/**
 * The source of one annotation: the review and feedback sites name theirs; an imported rating carries
 * `metadata.source` (`"chatgpt-export"`, …), which the extension never writes; everything else is a
 * capture.
 */
export function annotationSource(annotation: Pick<Annotation, 'site' | 'metadata'>): AnnotationSource {
  if (annotation.site === REVIEW_SITE) return 'review';
  if (annotation.site === API_SITE) return 'api';
  const imported = annotation.metadata.source;
  if (typeof imported === 'string' && imported.trim() !== '') return 'import';
  return 'capture';
}
