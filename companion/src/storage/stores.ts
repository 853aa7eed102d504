import type { AuditStore } from './audit-store.ts';
import type { DashboardStore } from './dashboard-store.ts';
import type { FeedbackStore } from './feedback-store.ts';
import type { ItemStore } from './item-store.ts';
import type { QueueStore } from './queue-store.ts';
import type { RateLimitStore } from './rate-limit-store.ts';
import type { ReviewStore } from './review-store.ts';
import type { SignInCodeStore } from './sign-in-code-store.ts';
import type { SyncStore } from './store.ts';
import type { UserStore } from './user-store.ts';

export type StoreKind = 'sqlite' | 'postgres';

/**
 * One opened database and every store on it (open-database.ts opens them). The stores share the
 * database's connections and transactions: a review's decision and its annotation commit together.
 */
export interface Stores {
  readonly kind: StoreKind;
  /** Where the data lives, for people: a file path, or a PostgreSQL URL without its password. */
  readonly location: string;
  readonly sync: SyncStore;
  readonly dashboard: DashboardStore;
  readonly reviews: ReviewStore;
  readonly feedback: FeedbackStore;
  /** Responses waiting for judgement (history imports) and the import runs. */
  readonly items: ItemStore;
  /** Campaign queues: their items, leases, answers and skips. */
  readonly queues: QueueStore;
  /** The dashboard's one-time sign-in codes. */
  readonly signInCodes: SignInCodeStore;
  /** Request rate limits, shared by every companion process on the database. */
  readonly rateLimits: RateLimitStore;
  /** A team server's users and their token hashes (none on a personal server). */
  readonly users: UserStore;
  /** Who did what, and when. */
  readonly audit: AuditStore;
  /** The database's own consistency check: `ok`, or what is wrong. */
  integrityCheck(): Promise<string>;
  /** Stops background work (the search indexer) and closes every connection. */
  close(): Promise<void>;
}
