import { type Response, Router } from 'express';
import {
  type AnnotationWriteResponse,
  annotationDeleteQuerySchema,
  annotationEditSchema,
  annotationFiltersSchema,
  annotationListQuerySchema,
  DASHBOARD_ROUTES,
} from '../../../shared/index.ts';
import type { DashboardStore, DashboardWriteResult } from '../storage/dashboard-store.ts';
import { HttpError, parseOrThrow } from '../support/http-error.ts';

function send(res: Response, result: DashboardWriteResult): void {
  switch (result.status) {
    case 'saved': {
      const body: AnnotationWriteResponse = { annotation: result.annotation, seq: result.seq };
      res.json(body);
      return;
    }
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
export function annotationsRouter(store: DashboardStore, clock: () => Date): Router {
  const router = Router();

  router.get(DASHBOARD_ROUTES.annotations, (req, res) => {
    res.json(store.list(parseOrThrow(annotationListQuerySchema, req.query, 'query')));
  });

  router.get(DASHBOARD_ROUTES.annotationFacets, (_req, res) => {
    res.json(store.facets());
  });

  router.get(DASHBOARD_ROUTES.insights, (req, res) => {
    res.json(store.insights(parseOrThrow(annotationFiltersSchema, req.query, 'query')));
  });

  router.get(DASHBOARD_ROUTES.annotation, (req, res) => {
    const annotation = store.get(String(req.params.id));
    if (annotation === undefined) throw new HttpError(404, 'not_found', 'No annotation with this id.');
    res.json(annotation);
  });

  router.patch(DASHBOARD_ROUTES.annotation, (req, res) => {
    const edit = parseOrThrow(annotationEditSchema, req.body ?? {}, 'edit');
    send(res, store.edit(String(req.params.id), edit, clock()));
  });

  router.delete(DASHBOARD_ROUTES.annotation, (req, res) => {
    const { baseRevision } = parseOrThrow(annotationDeleteQuerySchema, req.query, 'query');
    send(res, store.remove(String(req.params.id), baseRevision, clock()));
  });

  return router;
}
