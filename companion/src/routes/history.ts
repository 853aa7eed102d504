import type { Response } from 'express';
import { API } from '../../../shared/index.ts';
import { callerOf } from '../accounts/caller.ts';
import { localAnnotator, rateItem } from '../import-history/rate-item.ts';
import { DEFAULT_LOCAL_ANNOTATOR } from '../import-history/run-import.ts';
import type { HistoryImports } from '../import-history/uploads.ts';
import type { ItemStore } from '../storage/item-store.ts';
import type { SyncStore } from '../storage/store.ts';
import { HttpError } from '../support/http-error.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/**
 * Who rates in the dashboard: on a team server the signed-in user (proved by their token); on a personal
 * server the extension's annotator, so the person's ratings from both places sync under one name.
 */
export async function dashboardAnnotator(res: Response, items: Pick<ItemStore, 'captureAnnotator'> | undefined) {
  const caller = callerOf(res);
  if (!caller.personal) return caller.name;
  return items ? localAnnotator(items) : DEFAULT_LOCAL_ANNOTATOR;
}

/** What the history routes need: the items, the uploads and their imports, the sync store for ratings. */
export interface HistoryDeps {
  items: ItemStore;
  imports: HistoryImports;
}

const RECENT_RUNS = 20;

/** Uploading and importing an export from the dashboard, and the Rate your history view. */
export function historyRoutes(deps: HistoryDeps, context: { store: SyncStore; clock: () => Date }): RouteDefinition[] {
  const notFound = (what: string) => new HttpError(404, 'not_found', `No ${what} with this id.`);
  return [
    defineRoute(API.history.createUpload, async ({ body, res }) => {
      res.status(201);
      return deps.imports.create(body.fileName, body.size);
    }),

    defineRoute(API.history.appendChunk, async ({ params: { id }, body }) => {
      const result = await deps.imports.append(id, body.offset, Buffer.from(body.data, 'base64'));
      if ('upload' in result) return result.upload;
      if (result.status === 'not_found') throw notFound('upload in progress');
      throw new HttpError(
        409,
        'conflict',
        `This chunk does not fit: the upload has ${result.received} bytes; send the chunk at that offset.`,
      );
    }),

    defineRoute(API.history.startImport, ({ params: { id }, body, res }) => {
      const result = deps.imports.start(id, body);
      if ('run' in result) {
        res.status(202);
        return result.run;
      }
      if (result.status === 'not_found') throw notFound('upload in progress');
      throw new HttpError(409, 'conflict', `The upload is not complete: ${result.received} bytes received so far.`);
    }),

    defineRoute(API.history.runs, async () => ({ runs: await deps.imports.runs(RECENT_RUNS) })),

    defineRoute(API.history.run, async ({ params: { id } }) => {
      const run = await deps.imports.run(id);
      if (!run) throw notFound('import');
      return run;
    }),

    defineRoute(API.history.next, async ({ query, res }) =>
      deps.items.next(query, await dashboardAnnotator(res, deps.items)),
    ),

    defineRoute(API.history.facets, async ({ res }) => deps.items.facets(await dashboardAnnotator(res, deps.items))),

    defineRoute(API.history.rate, async ({ params: { id }, body, res }) => {
      const annotator = await dashboardAnnotator(res, deps.items);
      const result = await rateItem({ store: context.store, items: deps.items }, id, body, annotator, context.clock());
      if (result.status === 'not_found') throw notFound('item');
      if (result.status === 'conflict') {
        throw new HttpError(409, 'conflict', `You rated this response already (annotation ${result.annotationId}).`);
      }
      res.status(201);
      return { annotation: result.annotation, seq: result.seq };
    }),

    defineRoute(API.history.skip, async ({ params: { id }, res }) => {
      if (!(await deps.items.skip(id, await dashboardAnnotator(res, deps.items), context.clock()))) {
        throw notFound('item');
      }
      return { id, skipped: true };
    }),

    defineRoute(API.history.unskip, async ({ params: { id }, res }) => {
      if (!(await deps.items.unskip(id, await dashboardAnnotator(res, deps.items)))) throw notFound('item');
      return { id, skipped: false };
    }),
  ];
}
