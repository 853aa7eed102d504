import { z } from 'zod';
import type {
  Annotation,
  Review,
  ReviewInput,
  ReviewRequest,
  ReviewStatus,
  ReviewSummary,
} from '../../../shared/index.ts';

/** A review as first stored: the request, its identity and when it expires. */
export interface NewReview {
  id: string;
  request: ReviewRequest;
  requestHash: string;
  createdAt: string;
  expiresAt: string | null;
}

/** How a pending review ends. */
export interface Resolution {
  status: Exclude<ReviewStatus, 'pending'>;
  resolvedAt: string;
  reviewer: string | null;
  input: ReviewInput | null;
  comment: string | null;
  /** Approvals and rejections are recorded as an annotation, written in the same transaction. */
  annotation: Annotation | null;
}

/** Device id recorded with the annotations that decisions write. */
export const REVIEWS_DEVICE_ID = 'companion-reviews';

/** A review created or resolved, as every companion process on the database hears of it. */
export const reviewEventSchema = z.object({ kind: z.enum(['created', 'resolved']), id: z.string() });
export type ReviewEvent = z.infer<typeof reviewEventSchema>;

/** A row of the `reviews` table, in either database. */
export interface ReviewRow {
  id: string;
  key: string | null;
  request_hash: string;
  request: string;
  status: ReviewStatus;
  created_at: string;
  expires_at: string | null;
  resolved_at: string | null;
  reviewer: string | null;
  input: string | null;
  comment: string | null;
  annotation_id: string | null;
}

/** The review a stored row describes. */
export function toReview(row: ReviewRow): Review {
  const request = JSON.parse(row.request) as ReviewRequest;
  return {
    id: row.id,
    key: row.key,
    title: request.title,
    description: request.description,
    messages: request.messages,
    output: request.output,
    rows: request.rows as Review['rows'],
    form: request.form,
    timeout: request.timeout,
    model: request.model,
    url: request.url,
    metadata: request.metadata,
    // Requests stored before the field existed name nobody.
    requestedBy: request.requestedBy ?? null,
    status: row.status,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    resolvedAt: row.resolved_at,
    reviewer: row.reviewer,
    input: row.input === null ? null : (JSON.parse(row.input) as ReviewInput),
    comment: row.comment,
    annotationId: row.annotation_id,
  };
}

/** Where reviews live: next to the annotations, so a decision and its annotation commit together. */
export interface ReviewStore {
  /** Inserts `review`, unless its key already names one: then that one is returned, with its request hash. */
  insert(review: NewReview): Promise<{ review: Review; created: boolean; requestHash: string }>;
  get(id: string): Promise<Review | undefined>;
  /** Ends a review that is still pending; false (and nothing written) if it was not pending any more. */
  resolve(id: string, resolution: Resolution): Promise<boolean>;
  /** Pending reviews whose expiry is at or before `nowMs`. */
  dueForExpiry(nowMs: number): Promise<Array<{ id: string; expiresAt: string }>>;
  /** The earliest expiry of a pending review, in ms since the epoch; null if none expires. */
  nextExpiryMs(): Promise<number | null>;
  list(
    status: ReviewStatus | 'all',
    limit: number,
    offset: number,
  ): Promise<{ reviews: ReviewSummary[]; total: number }>;
  counts(): Promise<Record<ReviewStatus, number>>;
  /**
   * Calls `listener` after a review is created or resolved, by this companion or (on PostgreSQL)
   * another process on the same database; returns the function that stops it.
   */
  subscribe(listener: (event: ReviewEvent) => void): () => void;
}
