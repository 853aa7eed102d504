import { API } from '../../../shared/index.ts';
import type { FeedbackService } from '../feedback/feedback-service.ts';
import { HttpError } from '../support/http-error.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** Logged LLM calls and feedback on them (docs/feedback.md), behind the same boundary as every data route. */
export function feedbackRoutes(feedback: FeedbackService): RouteDefinition[] {
  return [
    defineRoute(API.feedback.log, ({ body, req, res }) => {
      const result = feedback.log(body, `http://${req.headers.host}`);
      res.status(result.created ? 201 : 200);
      return result;
    }),

    defineRoute(API.feedback.getLog, ({ params: { traceId } }) => {
      const found = feedback.get(traceId);
      if (found === undefined)
        throw new HttpError(404, 'trace_not_found', `No call is logged with trace_id "${traceId}".`);
      return found;
    }),

    defineRoute(API.feedback.feedback, ({ body, res }) => {
      const result = feedback.feedback(body);
      res.status(result.created ? 201 : 200);
      return result;
    }),
  ];
}
