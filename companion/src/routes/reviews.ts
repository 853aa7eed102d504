import { API, type ReviewCreated, reviewIdSchema } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { callerOf } from '../accounts/caller.ts';
import type { ReviewService } from '../reviews/review-service.ts';
import { HttpError } from '../support/http-error.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** Checked before the query and body: an id that cannot exist is a 404 whatever else is wrong. */
function reviewParams(params: { id: string }): { id: string } {
  const result = reviewIdSchema.safeParse(params.id);
  if (!result.success) throw new HttpError(404, 'review_not_found', 'There is no such review (ids are UUIDs).');
  return { id: result.data };
}

/**
 * The review queue (docs/reviews.md). A pipeline creates a review and long-polls it; a person decides
 * it from the dashboard or the extension; the pipeline may cancel it. Behind the same boundary as
 * every data route (Host, Origin, token, JSON body).
 */
export function reviewsRoutes(reviews: ReviewService, accounts?: Accounts): RouteDefinition[] {
  return [
    defineRoute(API.reviews.create, async ({ body, res }) => {
      // On a team server a review names who asked: the token's user, unless the caller names someone (a pipeline).
      const caller = callerOf(res);
      const result: ReviewCreated = await reviews.create(body, caller.personal ? null : caller.name);
      res.status(result.created ? 201 : 200);
      return result;
    }),

    defineRoute(API.reviews.list, ({ query }) => reviews.list(query)),

    // Before `/:id`, which would otherwise take "counts" for an id.
    defineRoute(API.reviews.counts, () => reviews.counts()),

    defineRoute(
      API.reviews.get,
      async ({ params: { id }, query: { wait }, res }) => {
        // The client hanging up ends its wait at once, so a dropped long poll leaves no listener behind.
        const gone = new AbortController();
        res.once('close', () => gone.abort());
        const review = await reviews.wait(id, wait * 1000, gone.signal);
        if (gone.signal.aborted) return undefined;
        if (review === undefined) throw new HttpError(404, 'review_not_found', `There is no review ${id}.`);
        return review;
      },
      { params: reviewParams },
    ),

    defineRoute(
      API.reviews.decide,
      async ({ params: { id }, body, req, res }) => {
        const caller = callerOf(res);
        // On a team server the decision is the caller's, proved by their token: it may not name another reviewer.
        if (!caller.personal && body.reviewer !== caller.name) {
          throw new HttpError(
            400,
            'invalid_request',
            `You are signed in as "${caller.name}", but the decision names the reviewer "${body.reviewer}"; the review is still pending.`,
            [{ path: 'reviewer', message: `must be "${caller.name}", the user this token belongs to` }],
          );
        }
        // The Host check has already pinned this to a loopback name and our port.
        const review = await reviews.decide(id, body, `http://${req.headers.host}`);
        await accounts?.log(caller.name, 'review.decide', id, { decision: body.decision, reviewer: body.reviewer });
        return review;
      },
      { params: reviewParams },
    ),

    defineRoute(API.reviews.cancel, ({ params: { id }, body }) => reviews.cancel(id, body.reason), {
      params: reviewParams,
    }),
  ];
}
