import { AUDIT_API, SESSION_API, USERS_API } from './accounts.ts';
import { AGREEMENT_API } from './agreement.ts';
import { ANNOTATIONS_API } from './annotations.ts';
import type { RouteContract } from './contract.ts';
import { CONVERSATION_RATINGS_API } from './conversation-ratings.ts';
import { DASHBOARD_API } from './dashboard.ts';
import { EXPORT_API } from './export.ts';
import { FEEDBACK_API } from './feedback.ts';
import { HISTORY_API } from './history.ts';
import { QUEUES_API } from './queues.ts';
import { REVIEWS_API } from './reviews.ts';
import { SYNC_API } from './sync.ts';

export * from './accounts.ts';
export * from './agreement.ts';
export * from './annotations.ts';
export * from './contract.ts';
export * from './conversation-ratings.ts';
export * from './dashboard.ts';
export * from './export.ts';
export * from './feedback.ts';
export * from './history.ts';
export * from './path.ts';
export * from './queues.ts';
export * from './reviews.ts';
export * from './sync.ts';

/**
 * Every HTTP route of the companion, by group: `API.reviews.get`, `API.sync.push`, … The companion
 * mounts exactly these (test/companion/route-table.test.ts checks it), and the clients call them.
 */
export const API = {
  sync: SYNC_API,
  reviews: REVIEWS_API,
  feedback: FEEDBACK_API,
  annotations: ANNOTATIONS_API,
  conversationRatings: CONVERSATION_RATINGS_API,
  export: EXPORT_API,
  dashboard: DASHBOARD_API,
  history: HISTORY_API,
  session: SESSION_API,
  users: USERS_API,
  audit: AUDIT_API,
  agreement: AGREEMENT_API,
  queues: QUEUES_API,
} as const;

/** The whole table as one list, in mounting order within each group. */
export const API_ROUTES: readonly RouteContract[] = Object.values(API).flatMap((group) =>
  Object.values(group as Record<string, RouteContract>),
);
