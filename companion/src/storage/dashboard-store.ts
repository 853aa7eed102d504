import type {
  Annotation,
  AnnotationComparisons,
  AnnotationEdit,
  AnnotationFacets,
  AnnotationFilters,
  AnnotationListQuery,
  AnnotationListResponse,
  ApiIssue,
  InsightsResponse,
} from '../../../shared/index.ts';

/** What became of an edit or a delete made in the dashboard. */
export type DashboardWriteResult =
  | { status: 'saved'; annotation: Annotation; seq: number }
  | { status: 'not_found' }
  /** The annotation changed (or was deleted) since the revision the edit was made on. */
  | { status: 'conflict'; current: Annotation }
  | { status: 'invalid'; issues: ApiIssue[] };

/**
 * The queries and corrections the dashboard needs. Reads come from a search index derived from the
 * stored annotations; writes go through the sync store as new versions (revision + 1, a new sequence
 * number), so they reach every browser through sync pull like any other change.
 */
export interface DashboardStore {
  list(query: AnnotationListQuery): AnnotationListResponse;
  facets(): AnnotationFacets;
  insights(filters: AnnotationFilters): InsightsResponse;
  /** The current version, tombstone included. */
  get(id: string): Annotation | undefined;
  /** The live comparisons naming the annotation (as a or b), oldest first, each with the other annotation. */
  comparisons(id: string): Promise<AnnotationComparisons>;
  edit(id: string, edit: AnnotationEdit, now: Date): DashboardWriteResult;
  /** Replaces the annotation with a tombstone (`deletedAt` set): a delete that sync carries everywhere. */
  remove(id: string, baseRevision: number, now: Date): DashboardWriteResult;
}
