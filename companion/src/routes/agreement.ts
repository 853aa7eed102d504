import { API } from '../../../shared/index.ts';
import { callerOf } from '../accounts/caller.ts';
import { agreementFromQueue } from '../agreement/agreement-from-queue.ts';
import { type AgreementSource, agreementFromStore } from '../agreement/agreement-from-store.ts';
import type { QueueService } from '../queues/queue-service.ts';
import { HttpError } from '../support/http-error.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/**
 * `GET /api/v1/agreement?site=…&models=…`: the report `margin agreement --json` prints, for the same
 * options; with `queue`, over that campaign queue's answers.
 */
export function agreementRoutes(store: AgreementSource, queues?: QueueService): RouteDefinition[] {
  return [
    defineRoute(API.agreement.report, async ({ query, res }) => {
      if (query.queue === undefined) return agreementFromStore(store, query);
      if (queues === undefined) throw new HttpError(404, 'queue_not_found', `There is no queue "${query.queue}".`);
      const { queue, answers } = await queues.answersOf(query.queue, callerOf(res));
      return agreementFromQueue(queue, answers, query);
    }),
  ];
}
