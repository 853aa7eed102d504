import {
  conversationRatingSetResponseSchema,
  conversationRatingSetSchema,
  conversationRatingsQuerySchema,
  conversationRatingsResponseSchema,
} from '../conversation-rating.ts';
import { ANNOTATOR_ROLES, ANY_ROLE, jsonResponse, routeContract } from './contract.ts';

/** Whole-conversation ratings as the dashboard shows them (docs/conversation-ratings.md, "In the dashboard"). */
export const CONVERSATION_RATINGS_API = {
  list: routeContract({
    id: 'conversationRatings.list',
    method: 'GET',
    path: '/api/v1/conversation-ratings',
    // Readers see every annotator's ratings; an annotator is let in too, and the route keeps only their own.
    access: ANY_ROLE,
    summary:
      'The live ratings of one conversation (`key=<site>:<conversationId>`), every annotator’s (an annotator gets only their own), the latest first.',
    query: conversationRatingsQuerySchema,
    names: { query: 'conversation ratings query' },
    response: jsonResponse(conversationRatingsResponseSchema),
  }),
  set: routeContract({
    id: 'conversationRatings.set',
    method: 'POST',
    path: '/api/v1/conversation-ratings',
    access: ANNOTATOR_ROLES,
    summary:
      "Sets (or with `rating: null` withdraws) the caller's own rating of a conversation; it syncs to the extension like one made there.",
    body: conversationRatingSetSchema,
    names: { body: 'conversation rating' },
    response: jsonResponse(conversationRatingSetResponseSchema),
  }),
} as const;
