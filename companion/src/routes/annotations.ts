import { type Annotation, type AnnotationWriteResponse, API } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { type Caller, callerOf, mayTouch } from '../accounts/caller.ts';
import type { DashboardStore, DashboardWriteResult } from '../storage/dashboard-store.ts';
import { HttpError } from '../support/http-error.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

function written(result: DashboardWriteResult): AnnotationWriteResponse {
  switch (result.status) {
    case 'saved':
      return { annotation: result.annotation, seq: result.seq };
    case 'not_found':
      throw new HttpError(404, 'not_found', 'No annotation with this id.');
    case 'conflict':
      throw new HttpError(
        409,
        'conflict',
        result.current.deletedAt === null
          ? `The annotation changed since you opened it (it is now at revision ${result.current.revision}); reload it and edit again.`
          : 'The annotation was deleted meanwhile.',
      );
    case 'invalid':
      throw new HttpError(400, 'invalid_request', 'The edited annotation is invalid; see issues.', result.issues);
  }
}

/**
 * The stored annotation `id` if `caller` may see and change it: a 404 when there is none, a 403 when
 * it is another annotator's and the caller is an annotator (who sees only their own work).
 */
async function ownedAnnotation(store: DashboardStore, caller: Caller, id: string): Promise<Annotation> {
  const annotation = await store.get(id);
  if (annotation === undefined) throw new HttpError(404, 'not_found', 'No annotation with this id.');
  if (caller.role === 'annotator' && !mayTouch(caller, annotation.annotator)) {
    throw new HttpError(
      403,
      'not_yours',
      `This annotation belongs to "${annotation.annotator}"; "${caller.name}" is an annotator and may read and change only their own.`,
    );
  }
  return annotation;
}

/**
 * The dashboard's table, detail view and corrections, plus its charts' aggregates. An annotator's
 * table holds only their own annotations; edits and deletes are audited.
 */
export function annotationsRoutes(
  store: DashboardStore,
  clock: () => Date,
  accounts: Accounts | undefined,
): RouteDefinition[] {
  return [
    defineRoute(API.annotations.list, ({ query, res }) => {
      const caller = callerOf(res);
      return store.list(caller.role === 'annotator' ? { ...query, annotator: [caller.name] } : query);
    }),

    defineRoute(API.annotations.facets, () => store.facets()),

    defineRoute(API.annotations.insights, ({ query }) => store.insights(query)),

    defineRoute(API.annotations.get, ({ params: { id }, res }) => ownedAnnotation(store, callerOf(res), id)),

    defineRoute(API.annotations.comparisons, async ({ params: { id }, res }) => {
      await ownedAnnotation(store, callerOf(res), id);
      return store.comparisons(id);
    }),

    defineRoute(API.annotations.edit, async ({ params: { id }, body, res }) => {
      const caller = callerOf(res);
      await ownedAnnotation(store, caller, id);
      const answer = written(await store.edit(id, body, clock()));
      await accounts?.log(caller.name, 'annotation.edit', id, { revision: answer.annotation.revision });
      return answer;
    }),

    defineRoute(API.annotations.remove, async ({ params: { id }, query: { baseRevision }, res }) => {
      const caller = callerOf(res);
      const before = await ownedAnnotation(store, caller, id);
      const answer = written(await store.remove(id, baseRevision, clock()));
      await accounts?.log(caller.name, 'annotation.delete', id, { annotator: before.annotator });
      return answer;
    }),
  ];
}
