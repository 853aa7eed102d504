import { feedbackRequestSchema, feedbackResultSchema, logRequestSchema, logResponseSchema } from '../feedback.ts';
import { ANNOTATOR_ROLES, ANY_ROLE, jsonResponse, routeContract } from './contract.ts';

/** Logged LLM calls and the feedback on them (docs/feedback.md). `:traceId` is the caller's trace id. */
export const FEEDBACK_API = {
  log: routeContract({
    id: 'feedback.log',
    method: 'POST',
    path: '/api/v1/logs',
    access: ANNOTATOR_ROLES,
    summary: 'Records an LLM call under its trace id (201), or answers the one already logged (200).',
    body: logRequestSchema,
    names: { body: 'log' },
    response: jsonResponse(feedbackResultSchema, [200, 201]),
  }),
  getLog: routeContract({
    id: 'feedback.getLog',
    method: 'GET',
    path: '/api/v1/logs/:traceId',
    access: ANY_ROLE,
    summary: 'A logged call and the feedback every source gave it.',
    response: jsonResponse(logResponseSchema),
  }),
  feedback: routeContract({
    id: 'feedback.feedback',
    method: 'POST',
    path: '/api/v1/feedback',
    access: ANNOTATOR_ROLES,
    summary: 'Feedback on a logged trace; the same trace and source update one annotation (201 when new).',
    body: feedbackRequestSchema,
    names: { body: 'feedback' },
    response: jsonResponse(feedbackResultSchema, [200, 201]),
  }),
} as const;
