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
}
