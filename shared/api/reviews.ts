import {
  reviewCancelSchema,
  reviewCountsSchema,
  reviewCreatedSchema,
  reviewDecisionSchema,
  reviewListQuerySchema,
  reviewListResponseSchema,
  reviewRequestSchema,
  reviewSchema,
  reviewWaitQuerySchema,
} from '../review.ts';
import { ANNOTATOR_ROLES, ANY_ROLE, jsonResponse, routeContract } from './contract.ts';

/**
 * The review queue (docs/reviews.md): a pipeline creates a review and long-polls it, a person decides
 * it from the dashboard or the extension, the pipeline may cancel it. `:id` is a review's UUID.
 */
export const REVIEWS_API = {
  create: routeContract({
    id: 'reviews.create',
    method: 'POST',
    path: '/api/v1/reviews',
    access: ANNOTATOR_ROLES,
    summary: 'Creates a review (201), or answers the one its key already names (200).',
    body: reviewRequestSchema,
    names: { body: 'review request' },
    response: jsonResponse(reviewCreatedSchema, [200, 201]),
  }),
  list: routeContract({
    id: 'reviews.list',
    method: 'GET',
    path: '/api/v1/reviews',
    access: ANY_ROLE,
    summary: 'Reviews with a status, a page at a time: pending ones oldest first.',
    query: reviewListQuerySchema,
    response: jsonResponse(reviewListResponseSchema),
  }),
  // Listed (and mounted) before `get`, whose `:id` would otherwise take "counts" for an id.
  counts: routeContract({
    id: 'reviews.counts',
    method: 'GET',
    path: '/api/v1/reviews/counts',
    access: ANY_ROLE,
    summary: 'How many reviews have each status, and how many long polls wait: the extension’s badge.',
    response: jsonResponse(reviewCountsSchema),
  }),
  get: routeContract({
    id: 'reviews.get',
    method: 'GET',
    path: '/api/v1/reviews/:id',
    access: ANY_ROLE,
    summary: 'One review; with `wait`, once it is resolved or that many seconds have passed.',
    query: reviewWaitQuerySchema,
    response: jsonResponse(reviewSchema),
  }),
  decide: routeContract({
    id: 'reviews.decide',
    method: 'POST',
    path: '/api/v1/reviews/:id/decision',
    access: ANNOTATOR_ROLES,
    summary: 'Approves or rejects a pending review, with the answers its form asks for.',
    body: reviewDecisionSchema,
    names: { body: 'decision' },
    response: jsonResponse(reviewSchema),
  }),
  cancel: routeContract({
    id: 'reviews.cancel',
    method: 'POST',
    path: '/api/v1/reviews/:id/cancel',
    access: ANNOTATOR_ROLES,
    summary: 'The asking side gives up on a pending review.',
    body: reviewCancelSchema,
    optionalBody: true,
    names: { body: 'cancellation' },
    response: jsonResponse(reviewSchema),
  }),
} as const;
