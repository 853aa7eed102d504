import { once } from 'node:events';
import { join } from 'node:path';
import { API, type RestoreResponse } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { callerOf } from '../accounts/caller.ts';
import { RestoreStaging } from '../dataset/restore-staging.ts';
import type { SyncStore } from '../storage/store.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** Device id recorded with versions restored from a backup. */
export const RESTORE_DEVICE_ID = 'restore';
/** Where a restore's chunks wait, under the data directory, until its last chunk applies them. */
export const RESTORE_STAGING_DIR = 'restore-staging';

/**
 * Backup and restore from the dashboard's settings. The backup is every stored annotation, then every
 * conversation rating, tombstones included, one JSON per line: the shape `margin import` reads. A
 * restore posts the file back in chunks of lines (bodies are JSON only, see middleware/json-body.ts),
 * staged under the data directory and applied by the last chunk in one transaction with `margin
 * import`'s own code: all or nothing, idempotent, under the sync conflict rule.
 */
export function backupRoutes(
  store: SyncStore,
  clock: () => Date,
  dataDir: string,
  accounts?: Accounts,
): RouteDefinition[] {
  const staging = new RestoreStaging(join(dataDir, RESTORE_STAGING_DIR), clock);
  return [
    defineRoute(API.dashboard.backup, async ({ res }) => {
      const date = clock().toISOString().slice(0, 10);
      res.status(200);
      res.setHeader('Content-Type', 'application/jsonl; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="margin-backup-${date}.jsonl"`);
      let closed = false;
      res.once('close', () => {
        closed = true;
      });
      try {
        // Leaving the loop early (the client went away) releases the store's cursor.
        for await (const annotation of store.iterateAnnotations({ includeDeleted: true })) {
          if (closed) break;
          if (!res.write(`${JSON.stringify(annotation)}\n`))
            await Promise.race([once(res, 'drain'), once(res, 'close')]);
        }
        // Conversation ratings follow, whole records too: a restore tells them apart by their fields.
        for await (const rating of store.iterateConversationRatings({ includeDeleted: true })) {
          if (closed) break;
          if (!res.write(`${JSON.stringify(rating)}\n`)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        }
      } catch (error) {
        res.destroy(error as Error); // never let a cut-off backup look complete
        return;
      }
      if (!closed) res.end();
    }),

    defineRoute(API.dashboard.restore, async ({ body: chunk, res }) => {
      const body: RestoreResponse = await staging.receive(chunk, store, RESTORE_DEVICE_ID);
      if (chunk.last) {
        const { problems: _problems, ...summary } = body;
        await accounts?.log(callerOf(res).name, 'backup.restore', null, summary);
      }
      return body;
    }),
  ];
}
