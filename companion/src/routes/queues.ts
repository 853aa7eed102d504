import { API, queueIdSchema, queueItemIdSchema } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { callerOf } from '../accounts/caller.ts';
import type { QueueService } from '../queues/queue-service.ts';
import { HttpError } from '../support/http-error.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** Checked before the body: an id that cannot exist is a 404 whatever else is wrong. */
function queueParams(params: { id: string }): { id: string } {
  if (!queueIdSchema.safeParse(params.id).success)
    throw new HttpError(404, 'queue_not_found', `There is no queue "${params.id}" (queue ids are lowercase slugs).`);
  return { id: params.id };
}

function itemParams(params: { id: string; itemId: string }): { id: string; itemId: string } {
  const { id } = queueParams(params);
  if (!queueItemIdSchema.safeParse(params.itemId).success)
    throw new HttpError(
      404,
      'queue_item_not_found',
      `Queue "${id}" has no item ${params.itemId} (item ids look like qi-…).`,
    );
  return { id, itemId: params.itemId };
}

/**
 * Campaign queues (docs/queues.md): an admin creates and fills them; the annotators a queue names
 * lease items, answer and skip them; readers follow the progress and read the answers.
 */
export function queuesRoutes(queues: QueueService, accounts?: Accounts): RouteDefinition[] {
  return [
    defineRoute(API.queues.list, async ({ res }) => ({ queues: await queues.list(callerOf(res)) })),

    defineRoute(API.queues.create, async ({ body, res }) => {
      const caller = callerOf(res);
      const created = await queues.create(body, caller.name);
      await accounts?.log(caller.name, 'queue.create', created.queue.id, { added: created.added });
      res.status(201);
      return created;
    }),

    defineRoute(API.queues.get, ({ params: { id }, res }) => queues.summary(id, callerOf(res)), {
      params: queueParams,
    }),

    defineRoute(
      API.queues.addItems,
      async ({ params: { id }, body, res }) => {
        const caller = callerOf(res);
        const added = await queues.addItems(id, body.items, caller);
        await accounts?.log(caller.name, 'queue.items', id, { added: added.added, present: added.present });
        return added;
      },
      { params: queueParams },
    ),

    defineRoute(API.queues.items, ({ params: { id }, query, res }) => queues.items(id, query, callerOf(res)), {
      params: queueParams,
    }),

    defineRoute(API.queues.item, ({ params: { id, itemId }, res }) => queues.item(id, itemId, callerOf(res)), {
      params: itemParams,
    }),

    defineRoute(API.queues.next, ({ params: { id }, res }) => queues.next(id, callerOf(res)), { params: queueParams }),

    defineRoute(
      API.queues.answer,
      async ({ params: { id, itemId }, body, res }) => ({
        answer: await queues.answer(id, itemId, body, callerOf(res)),
      }),
      { params: itemParams },
    ),

    defineRoute(
      API.queues.skip,
      async ({ params: { id, itemId }, body, res }) => ({
        answer: await queues.skip(id, itemId, body.reason, callerOf(res)),
      }),
      { params: itemParams },
    ),

    defineRoute(API.queues.progress, ({ params: { id }, res }) => queues.progress(id, callerOf(res)), {
      params: queueParams,
    }),

    defineRoute(
      API.queues.answers,
      async ({ params: { id }, res }) => ({ answers: await queues.answers(id, callerOf(res)) }),
      { params: queueParams },
    ),

    defineRoute(
      API.queues.disagreements,
      ({ params: { id }, query, res }) => queues.disagreements(id, query.threshold, callerOf(res)),
      { params: queueParams },
    ),

    defineRoute(
      API.queues.adjudicate,
      async ({ params: { id, itemId }, body, res }) => {
        const caller = callerOf(res);
        const decided = await queues.adjudicate(id, itemId, body, caller);
        await accounts?.log(caller.name, 'queue.adjudicate', `${id}/${itemId}`, {
          replaced: decided.replaced !== null,
          previousAdjudicator: decided.replaced?.adjudicator ?? null,
        });
        return decided;
      },
      { params: itemParams },
    ),

    defineRoute(
      API.queues.adjudications,
      async ({ params: { id }, res }) => ({ adjudications: await queues.adjudications(id, callerOf(res)) }),
      { params: queueParams },
    ),
  ];
}
