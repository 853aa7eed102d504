import {
  ANNOTATION_SCHEMA_VERSION,
  type Annotation,
  API,
  annotationKey,
  annotationSchema,
  type Metadata,
  REVIEW_SITE,
  type Review,
  type ReviewInput,
  routePath,
} from '../../../shared/index.ts';

export interface DecisionRecord {
  approved: boolean;
  reviewer: string;
  comment: string;
  input: ReviewInput | null;
  /** When it was decided (ISO). */
  at: string;
  /** `http://host:port` of this companion, for the annotation's URL when the review gave none. */
  origin: string;
}

/**
 * The annotation a decision is recorded as, so reviewed outputs reach the datasets through the normal
 * store, sync and export: site `review`, thumbs up for approve and down for reject, the reviewed
 * messages as context and the output (or the rows, one JSON object per line) as the response. The
 * answers go to metadata as `input.<field>` (the form keeps them to JSON scalars of at most 2,000
 * characters, which is what metadata holds) and the reviewer's note is the comment.
 */
export function reviewAnnotation(review: Review, decision: DecisionRecord): Annotation {
  const metadata: Metadata = {
    ...review.metadata,
    review_id: review.id,
    review_title: review.title,
    review_status: decision.approved ? 'approved' : 'rejected',
  };
  if (review.key !== null) metadata.review_key = review.key;
  for (const [name, value] of Object.entries(decision.input ?? {})) metadata[`input.${name}`] = value;
  const response = review.output ?? (review.rows ?? []).map((row) => JSON.stringify(row)).join('\n');
  // Parsed, not cast: if a limit ever disagreed with the review's own, this fails loudly instead of
  // storing a record sync and export would refuse.
  return annotationSchema.parse({
    schemaVersion: ANNOTATION_SCHEMA_VERSION,
    id: review.id,
    key: annotationKey(REVIEW_SITE, review.id, review.id),
    site: REVIEW_SITE,
    url: review.url ?? `${decision.origin}${routePath(API.reviews.get, { id: review.id })}`,
    conversationId: review.id,
    messageId: review.id,
    model: review.model,
    modelSource: review.model === null ? 'unknown' : 'message',
    context: review.messages,
    response,
    variant: null,
    thumb: decision.approved ? 'up' : 'down',
    score: null,
    comment: decision.comment,
    tags: [],
    correction: null,
    metadata,
    annotator: decision.reviewer,
    createdAt: decision.at,
    updatedAt: decision.at,
    deletedAt: null,
    revision: 1,
  });
}
