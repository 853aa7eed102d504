import { API } from '../../../shared/index.ts';
import type { FeedbackService } from '../feedback/feedback-service.ts';
import { HttpError } from '../support/http-error.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** Logged LLM calls and feedback on them (docs/feedback.md), behind the same boundary as every data route. */
export function feedbackRoutes(feedback: FeedbackService): RouteDefinition[] {
  return [
    defineRoute(API.feedback.log, async ({ body, req, res }) => {
      const result = await feedback.log(body, `http://${req.headers.host}`);
      res.status(result.created ? 201 : 200);
      return result;
    }),

    defineRoute(API.feedback.getLog, async ({ params: { traceId } }) => {
      const found = await feedback.get(traceId);
      if (found === undefined)
        throw new HttpError(404, 'trace_not_found', `No call is logged with trace_id "${traceId}".`);
      return found;
    }),

    defineRoute(API.feedback.feedback, async ({ body, res }) => {
      const result = await feedback.feedback(body);
      res.status(result.created ? 201 : 200);
      return result;
    }),
  ];
}
