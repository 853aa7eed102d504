import { campaignProblem, type ExportRun, exportDataset, planCampaign } from '../../../shared/export/index.ts';
import type { ExportOptions, User } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import type { Caller } from '../accounts/caller.ts';
import type { CampaignRecords } from '../queues/queue-campaign.ts';
import type { QueueService } from '../queues/queue-service.ts';
import { HttpError } from '../support/http-error.ts';
import { type ExportSource, exportFromStore } from './export-run.ts';

/**
 * The export of a campaign queue (`--queue ID`, docs/queues.md "Exporting a campaign"): its items
 * and answers turned into the engine's own inputs (shared/export/campaign), so every format, the
 * summary and the sidecar are those of any export. `users` says which annotators are models.
 */
export function exportFromCampaign(
  records: CampaignRecords,
  options: ExportOptions,
  users: readonly Pick<User, 'name' | 'kind'>[] = [],
): ExportRun {
  const problem = campaignProblem(records.queue, options);
  if (problem !== null) throw new HttpError(400, 'invalid_request', problem.message, [problem]);
  const kinds = new Map(users.map((user) => [user.name, user.kind]));
  const plan = planCampaign({ ...records, kinds }, options);
  return exportDataset(plan.annotations(records.items), plan.comparisons, plan.options, [], {
    sidecar: plan.sidecar,
    finish: plan.finish,
  });
}

/** What the HTTP export routes read: the annotations, and the campaign queues when the server keeps them. */
export interface ExportDeps {
  store: ExportSource;
  queues?: QueueService | undefined;
  accounts?: Accounts | undefined;
}

/**
 * The run the export routes stream for a caller: the annotations, or with `queue` the campaign (which
 * the caller must be allowed to read whole: a blind queue's answers are for admins and viewers).
 * Errors (no such queue, a format the queue cannot give) come before any byte is sent.
 */
export async function exportForCaller(deps: ExportDeps, options: ExportOptions, caller: Caller): Promise<ExportRun> {
  if (options.queue === undefined) return exportFromStore(deps.store, options);
  if (deps.queues === undefined)
    throw new HttpError(404, 'queue_not_found', `There is no queue "${options.queue}": this server keeps no queues.`);
  const records = await deps.queues.campaign(options.queue, caller);
  return exportFromCampaign(records, options, (await deps.accounts?.list()) ?? []);
}
