import { annotationSchema } from '../annotation.ts';
import {
  annotationComparisonsSchema,
  annotationDeleteQuerySchema,
  annotationEditSchema,
  annotationFacetsSchema,
  annotationFiltersSchema,
  annotationListQuerySchema,
  annotationListResponseSchema,
  annotationWriteResponseSchema,
  insightsResponseSchema,
} from '../dashboard.ts';
import { ANNOTATOR_ROLES, ANY_ROLE, jsonResponse, READER_ROLES, routeContract } from './contract.ts';

/**
 * The dashboard's table, detail view and corrections, and its charts (docs/dashboard.md). `:id` is an
 * annotation id; an edit or delete names the revision it was made on.
 */
export const ANNOTATIONS_API = {
  list: routeContract({
    id: 'annotations.list',
    method: 'GET',
    path: '/api/v1/annotations',
    access: ANY_ROLE,
    summary: 'One page of the table, filtered, searched and sorted on the server.',
    query: annotationListQuerySchema,
    response: jsonResponse(annotationListResponseSchema),
  }),
  // Listed (and mounted) before `get`, whose `:id` would otherwise take "facets" for an id.
  facets: routeContract({
    id: 'annotations.facets',
    method: 'GET',
    path: '/api/v1/annotations/facets',
    access: READER_ROLES,
    summary: 'The values the filters offer, with how many live annotations have each.',
    response: jsonResponse(annotationFacetsSchema),
  }),
  insights: routeContract({
    id: 'annotations.insights',
    method: 'GET',
    path: '/api/v1/insights',
    access: READER_ROLES,
    summary: 'Aggregates over the annotations the filters select, for the charts.',
    query: annotationFiltersSchema,
    response: jsonResponse(insightsResponseSchema),
  }),
  get: routeContract({
    id: 'annotations.get',
    method: 'GET',
    path: '/api/v1/annotations/:id',
    access: ANY_ROLE,
    summary: 'One annotation as stored, conversation included.',
    response: jsonResponse(annotationSchema),
  }),
  comparisons: routeContract({
    id: 'annotations.comparisons',
    method: 'GET',
    path: '/api/v1/annotations/:id/comparisons',
    access: ANY_ROLE,
    summary: 'The live comparisons that involve the annotation, each with the other annotation.',
    response: jsonResponse(annotationComparisonsSchema),
  }),
  edit: routeContract({
    id: 'annotations.edit',
    method: 'PATCH',
    path: '/api/v1/annotations/:id',
    access: ANNOTATOR_ROLES,
    summary: 'Saves a correction as a new revision (409 if it changed since `baseRevision`).',
    body: annotationEditSchema,
    optionalBody: true,
    names: { body: 'edit' },
    response: jsonResponse(annotationWriteResponseSchema),
  }),
  remove: routeContract({
    id: 'annotations.remove',
    method: 'DELETE',
    path: '/api/v1/annotations/:id',
    access: ANNOTATOR_ROLES,
    summary: 'Deletes (a tombstone that syncs) the revision `baseRevision` names.',
    query: annotationDeleteQuerySchema,
    response: jsonResponse(annotationWriteResponseSchema),
  }),
} as const;
