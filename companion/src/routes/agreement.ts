import { API } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { callerOf } from '../accounts/caller.ts';
import { agreementFromQueue } from '../agreement/agreement-from-queue.ts';
import { type AgreementSource, agreementFromStore } from '../agreement/agreement-from-store.ts';
import { withModelAnnotators } from '../agreement/model-annotators.ts';
import type { QueueService } from '../queues/queue-service.ts';
import { HttpError } from '../support/http-error.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/**
 * `GET /api/v1/agreement?site=…&models=…`: the report `margin agreement --json` prints, for the same
 * options; with `queue`, over that campaign queue's answers. On a team server, users of kind `model`
 * count as models without being named.
 */
export function agreementRoutes(store: AgreementSource, queues?: QueueService, accounts?: Accounts): RouteDefinition[] {
  return [
    defineRoute(API.agreement.report, async ({ query, res }) => {
      const options = await withModelAnnotators(query, accounts);
      if (options.queue === undefined) return agreementFromStore(store, options);
      if (queues === undefined) throw new HttpError(404, 'queue_not_found', `There is no queue "${options.queue}".`);
      const { queue, answers } = await queues.answersOf(options.queue, callerOf(res));
      return agreementFromQueue(queue, answers, options);
    }),
  ];
}
