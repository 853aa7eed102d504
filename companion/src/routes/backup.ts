import { once } from 'node:events';
import { API, type RestoreResponse } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { callerOf } from '../accounts/caller.ts';
import { importAnnotationLines } from '../dataset/import-annotations.ts';
import type { SyncStore } from '../storage/store.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** Device id recorded with versions restored from a backup. */
export const RESTORE_DEVICE_ID = 'restore';
const MAX_PROBLEMS = 100;

/**
 * Backup and restore from the dashboard's settings. The backup is every stored annotation, then every
 * conversation rating, tombstones included, one JSON per line: the shape `margin import` reads. A restore posts the file back in chunks
 * of lines (bodies are JSON only, see middleware/json-body.ts) and runs `margin import`'s own code on
 * each, so a restore is idempotent and follows the sync conflict rule.
 */
export function backupRoutes(store: SyncStore, clock: () => Date, accounts?: Accounts): RouteDefinition[] {
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
      const problems: string[] = [];
      const summary = await importAnnotationLines(
        store,
        chunk.lines,
        RESTORE_DEVICE_ID,
        (problem) => {
          if (problems.length < MAX_PROBLEMS) problems.push(problem);
        },
        chunk.firstLine,
      );
      const body: RestoreResponse = { ...summary, problems };
      await accounts?.log(callerOf(res).name, 'backup.restore', null, { ...summary });
      return body;
    }),
  ];
}
