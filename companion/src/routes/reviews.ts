import { type Request, Router } from 'express';
import {
  REVIEW_ROUTES,
  type ReviewCreated,
  reviewCancelSchema,
  reviewDecisionSchema,
  reviewIdSchema,
  reviewListQuerySchema,
  reviewRequestSchema,
  reviewWaitQuerySchema,
} from '../../../shared/index.ts';
import type { ReviewService } from '../reviews/review-service.ts';
import { HttpError, parseOrThrow } from '../support/http-error.ts';

function reviewId(req: Request): string {
  const result = reviewIdSchema.safeParse(req.params.id);
  if (!result.success) throw new HttpError(404, 'review_not_found', 'There is no such review (ids are UUIDs).');
  return result.data;
}

/**
 * The review queue (docs/reviews.md). A pipeline creates a review and long-polls it; a person decides
 * it from the dashboard or the extension; the pipeline may cancel it. Behind the same boundary as
 * every data route (Host, Origin, token, JSON body).
 */
export function reviewsRouter(reviews: ReviewService): Router {
  const router = Router();

  router.post(REVIEW_ROUTES.create.path, (req, res) => {
    const request = parseOrThrow(reviewRequestSchema, req.body, 'review request');
    const result: ReviewCreated = reviews.create(request);
    res.status(result.created ? 201 : 200).json(result);
  });

  router.get(REVIEW_ROUTES.list.path, (req, res) => {
    const query = parseOrThrow(reviewListQuerySchema, req.query, 'query');
    res.json(reviews.list(query));
  });

  // Before `/:id`, which would otherwise take "counts" for an id.
  router.get(REVIEW_ROUTES.counts.path, (_req, res) => {
    res.json(reviews.counts());
  });

  router.get(REVIEW_ROUTES.get.path, async (req, res) => {
    const id = reviewId(req);
    const { wait } = parseOrThrow(reviewWaitQuerySchema, req.query, 'query');
    // The client hanging up ends its wait at once, so a dropped long poll leaves no listener behind.
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const review = await reviews.wait(id, wait * 1000, gone.signal);
    if (gone.signal.aborted) return;
    if (review === undefined) throw new HttpError(404, 'review_not_found', `There is no review ${id}.`);
    res.json(review);
  });

  router.post(REVIEW_ROUTES.decide.path, (req, res) => {
    const id = reviewId(req);
    const decision = parseOrThrow(reviewDecisionSchema, req.body, 'decision');
    // The Host check has already pinned this to a loopback name and our port.
    res.json(reviews.decide(id, decision, `http://${req.headers.host}`));
  });

  router.post(REVIEW_ROUTES.cancel.path, (req, res) => {
    const id = reviewId(req);
    const { reason } = parseOrThrow(reviewCancelSchema, req.body ?? {}, 'cancellation');
    res.json(reviews.cancel(id, reason));
  });

  return router;
}
