import { type AnnotationWriteResponse, API } from '../../../shared/index.ts';
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

/** The dashboard's table, detail view and corrections, plus its charts' aggregates. */
export function annotationsRoutes(store: DashboardStore, clock: () => Date): RouteDefinition[] {
  return [
    defineRoute(API.annotations.list, ({ query }) => store.list(query)),

    defineRoute(API.annotations.facets, () => store.facets()),

    defineRoute(API.annotations.insights, ({ query }) => store.insights(query)),

    defineRoute(API.annotations.get, async ({ params: { id } }) => {
      const annotation = await store.get(id);
      if (annotation === undefined) throw new HttpError(404, 'not_found', 'No annotation with this id.');
      return annotation;
    }),

    defineRoute(API.annotations.comparisons, async ({ params: { id } }) => {
      if ((await store.get(id)) === undefined) throw new HttpError(404, 'not_found', 'No annotation with this id.');
      return store.comparisons(id);
    }),

    defineRoute(API.annotations.edit, async ({ params: { id }, body }) => written(await store.edit(id, body, clock()))),

    defineRoute(API.annotations.remove, async ({ params: { id }, query: { baseRevision } }) =>
      written(await store.remove(id, baseRevision, clock())),
    ),
  ];
}
