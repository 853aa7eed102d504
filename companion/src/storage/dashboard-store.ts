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

/** Device id recorded with versions written from the dashboard. */
export const DASHBOARD_DEVICE_ID = 'dashboard';

/**
 * The queries and corrections the dashboard needs. Reads come from a search index derived from the
 * stored annotations; writes go through the sync store as new versions (revision + 1, a new sequence
 * number), so they reach every browser through sync pull like any other change.
 */
export interface DashboardStore {
  list(query: AnnotationListQuery): Promise<AnnotationListResponse>;
  facets(): Promise<AnnotationFacets>;
  insights(filters: AnnotationFilters): Promise<InsightsResponse>;
  /** The current version, tombstone included. */
  get(id: string): Promise<Annotation | undefined>;
  /** The live comparisons naming the annotation (as a or b), oldest first, each with the other annotation. */
  comparisons(id: string): Promise<AnnotationComparisons>;
  /** Reads the current version and writes the edited one as one atomic step (a stale `baseRevision` is a conflict). */
  edit(id: string, edit: AnnotationEdit, now: Date): Promise<DashboardWriteResult>;
  /** Replaces the annotation with a tombstone (`deletedAt` set): a delete that sync carries everywhere. */
  remove(id: string, baseRevision: number, now: Date): Promise<DashboardWriteResult>;
  /** Changes the search index has not taken in yet. */
  pending(): Promise<number>;
  /** Indexes up to `maxRows` changed annotations now; returns how many. */
  catchUp(maxRows?: number): Promise<number>;
  /** Keeps the index caught up in the background until `stopIndexing`. */
  startIndexing(idleIntervalMs?: number, maxDeferMs?: number): void;
  stopIndexing(): void;
}
