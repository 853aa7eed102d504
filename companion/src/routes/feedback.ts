import { Router } from 'express';
import { FEEDBACK_ROUTES, feedbackRequestSchema, logRequestSchema } from '../../../shared/index.ts';
import type { FeedbackService } from '../feedback/feedback-service.ts';
import { HttpError, parseOrThrow } from '../support/http-error.ts';

/** Logged LLM calls and feedback on them (docs/feedback.md), behind the same boundary as every data route. */
export function feedbackRouter(feedback: FeedbackService): Router {
  const router = Router();

  router.post(FEEDBACK_ROUTES.log.path, (req, res) => {
    const request = parseOrThrow(logRequestSchema, req.body, 'log');
    const result = feedback.log(request, `http://${req.headers.host}`);
    res.status(result.created ? 201 : 200).json(result);
  });

  router.get(FEEDBACK_ROUTES.getLog.path, (req, res) => {
    const traceId = String(req.params.traceId);
    const found = feedback.get(traceId);
    if (found === undefined)
      throw new HttpError(404, 'trace_not_found', `No call is logged with trace_id "${traceId}".`);
    res.json(found);
  });

  router.post(FEEDBACK_ROUTES.feedback.path, (req, res) => {
    const request = parseOrThrow(feedbackRequestSchema, req.body, 'feedback');
    const result = feedback.feedback(request);
    res.status(result.created ? 201 : 200).json(result);
  });

  return router;
}
