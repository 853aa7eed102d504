import type { ApiIssue, Review } from '../../../shared/index.ts';

/** The companion answered with an error: `status`, the error `code` and, for bad input, `issues` by field. */
export class MarginApiError extends Error {
  override readonly name = 'MarginApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(
      issues.length === 0
        ? `${message} (${status} ${code})`
        : `${message} (${status} ${code}): ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    );
  }
}

/** A review ended without an approval. `review` holds everything the companion knows about it. */
export abstract class ReviewEndedError extends Error {
  constructor(
    readonly review: Review,
    message: string,
  ) {
    super(message);
  }
}

/** A person rejected the review; `review.comment` says why, `review.input` holds any answers given. */
export class ReviewRejectedError extends ReviewEndedError {
  override readonly name = 'ReviewRejectedError';
  constructor(review: Review) {
    super(
      review,
      `Review "${review.title}" was rejected by ${review.reviewer ?? 'a reviewer'}${review.comment ? `: ${review.comment}` : ''}`,
    );
  }
}

/** Nobody decided before the review's timeout. */
export class ReviewExpiredError extends ReviewEndedError {
  override readonly name = 'ReviewExpiredError';
  constructor(review: Review) {
    super(review, `Review "${review.title}" expired at ${review.resolvedAt} without a decision`);
  }
}

/** The review was cancelled (by this pipeline or another caller). */
export class ReviewCancelledError extends ReviewEndedError {
  override readonly name = 'ReviewCancelledError';
  constructor(review: Review) {
    super(review, `Review "${review.title}" was cancelled${review.comment ? `: ${review.comment}` : ''}`);
  }
}

/**
 * The review was approved, but the answers fail the zod schema the caller passed: a refinement the
 * JSON Schema subset could not express. Ask again (a new review) with the issues in the description.
 */
export class ReviewInputError extends ReviewEndedError {
  override readonly name = 'ReviewInputError';
  constructor(
    review: Review,
    readonly issues: ApiIssue[],
  ) {
    super(
      review,
      `Review "${review.title}" was approved, but its answers fail the form's schema: ${issues
        .map((issue) => `${issue.path}: ${issue.message}`)
        .join('; ')}`,
    );
  }
}
