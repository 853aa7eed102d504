import { queueAnswerInputSchema, queueCreateSchema, queueItemsRequestSchema, queueSkipInputSchema } from '../queue.ts';
import {
  queueAdjudicatedSchema,
  queueAdjudicationInputSchema,
  queueAdjudicationsSchema,
  queueDisagreementsQuerySchema,
  queueDisagreementsSchema,
} from '../queue-adjudication.ts';
import {
  queueAnswerResultSchema,
  queueAnswersSchema,
  queueCreatedSchema,
  queueItemListQuerySchema,
  queueItemListSchema,
  queueItemsAddedSchema,
  queueItemViewSchema,
  queueListResponseSchema,
  queueNextSchema,
  queueProgressSchema,
  queueSummarySchema,
} from '../queue-views.ts';
import {
  ADMIN_ONLY,
  ANNOTATOR_ROLES,
  ANY_ROLE,
  ignoredBodySchema,
  jsonResponse,
  READER_ROLES,
  routeContract,
} from './contract.ts';

/**
 * Annotation campaigns (docs/queues.md). An admin creates a queue and fills it (from a filter over
 * the store, or by sending items); annotators the queue names lease items with `next`, then answer
 * or skip them. `:id` is the queue's slug, `:itemId` an item id (`qi-…`).
 */
export const QUEUES_API = {
  list: routeContract({
    id: 'queues.list',
    method: 'GET',
    path: '/api/v1/queues',
    access: ANY_ROLE,
    summary: 'The queues the caller may see (an annotator: those they may work), with their counts.',
    response: jsonResponse(queueListResponseSchema),
  }),
  create: routeContract({
    id: 'queues.create',
    method: 'POST',
    path: '/api/v1/queues',
    access: ADMIN_ONLY,
    summary:
      'Creates a queue (201) with its questions and settings, filled from a filter over the store if one is given.',
    body: queueCreateSchema,
    names: { body: 'queue' },
    response: jsonResponse(queueCreatedSchema, [201]),
  }),
  get: routeContract({
    id: 'queues.get',
    method: 'GET',
    path: '/api/v1/queues/:id',
    access: ANY_ROLE,
    summary: 'One queue and its counts.',
    response: jsonResponse(queueSummarySchema),
  }),
  addItems: routeContract({
    id: 'queues.addItems',
    method: 'POST',
    path: '/api/v1/queues/:id/items',
    access: ADMIN_ONLY,
    summary:
      'Adds items (messages and a response, or two responses for a pairwise queue); a key already there adds nothing.',
    body: queueItemsRequestSchema,
    names: { body: 'items' },
    response: jsonResponse(queueItemsAddedSchema),
  }),
  items: routeContract({
    id: 'queues.items',
    method: 'GET',
    path: '/api/v1/queues/:id/items',
    access: READER_ROLES,
    summary: 'The queue’s items in serving order, a page at a time, with their answer counts.',
    query: queueItemListQuerySchema,
    response: jsonResponse(queueItemListSchema),
  }),
  item: routeContract({
    id: 'queues.item',
    method: 'GET',
    path: '/api/v1/queues/:id/items/:itemId',
    access: ANY_ROLE,
    summary: 'One item with the answers the caller may read (a blind queue shows an annotator only their own).',
    response: jsonResponse(queueItemViewSchema),
  }),
  next: routeContract({
    id: 'queues.next',
    method: 'POST',
    path: '/api/v1/queues/:id/next',
    access: ANNOTATOR_ROLES,
    summary:
      'Leases the next item to the caller (or answers the one they already hold); null when none is left for them.',
    body: ignoredBodySchema,
    response: jsonResponse(queueNextSchema),
  }),
  answer: routeContract({
    id: 'queues.answer',
    method: 'POST',
    path: '/api/v1/queues/:id/items/:itemId/answer',
    access: ANNOTATOR_ROLES,
    summary:
      'Records the caller’s answer to an item, checked against the queue’s questions; 409 once the item has its N answers.',
    body: queueAnswerInputSchema,
    names: { body: 'answer' },
    response: jsonResponse(queueAnswerResultSchema),
  }),
  skip: routeContract({
    id: 'queues.skip',
    method: 'POST',
    path: '/api/v1/queues/:id/items/:itemId/skip',
    access: ANNOTATOR_ROLES,
    summary: 'Skips an item with a reason: it is not served to the caller again and frees its slot for others.',
    body: queueSkipInputSchema,
    names: { body: 'skip' },
    response: jsonResponse(queueAnswerResultSchema),
  }),
  progress: routeContract({
    id: 'queues.progress',
    method: 'GET',
    path: '/api/v1/queues/:id/progress',
    access: ANY_ROLE,
    summary: 'Done, skipped, in progress and median seconds per item, for the queue and each annotator.',
    response: jsonResponse(queueProgressSchema),
  }),
  answers: routeContract({
    id: 'queues.answers',
    method: 'GET',
    path: '/api/v1/queues/:id/answers',
    access: READER_ROLES,
    summary: 'Every answer and skip of the queue, with who gave it and when.',
    response: jsonResponse(queueAnswersSchema),
  }),
  disagreements: routeContract({
    id: 'queues.disagreements',
    method: 'GET',
    path: '/api/v1/queues/:id/disagreements',
    access: ADMIN_ONLY,
    summary:
      'Items whose completed answers disagree (scores: a spread above `threshold` points, default 20), most disputed first, every answer with its annotator’s name, and the final answer if set.',
    query: queueDisagreementsQuerySchema,
    response: jsonResponse(queueDisagreementsSchema),
  }),
  adjudicate: routeContract({
    id: 'queues.adjudicate',
    method: 'POST',
    path: '/api/v1/queues/:id/items/:itemId/adjudication',
    access: ADMIN_ONLY,
    summary:
      'Sets the item’s final answer, checked against the queue’s questions and kept apart from the annotators’ answers; setting it again replaces it (audited).',
    body: queueAdjudicationInputSchema,
    names: { body: 'adjudication' },
    response: jsonResponse(queueAdjudicatedSchema),
  }),
  adjudications: routeContract({
    id: 'queues.adjudications',
    method: 'GET',
    path: '/api/v1/queues/:id/adjudications',
    access: READER_ROLES,
    summary: 'The final answers set for the queue’s items, with who decided and when.',
    response: jsonResponse(queueAdjudicationsSchema),
  }),
} as const;
