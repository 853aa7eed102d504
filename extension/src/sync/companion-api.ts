import {
  API,
  type Review,
  type ReviewCounts,
  type ReviewDecisionInput,
  type ReviewListResponse,
} from '../../../shared/index.ts';
import type { AppDB } from '../db/app-db.ts';
import { type CompanionEndpoint, CompanionError, companionRequest, type FetchLike } from './companion-client.ts';
import { readMeta } from './sync-meta.ts';

/**
 * The companion routes the popup uses besides sync: the dashboard's one-time sign-in link and the
 * review queue. Each answer is parsed with its schema before it is used.
 */

/** The paired companion, or null when Options has none yet. */
export async function pairedCompanion(db: AppDB): Promise<CompanionEndpoint | null> {
  const settings = await readMeta(db, 'companion');
  return settings ? { url: settings.url, token: settings.token } : null;
}

/**
 * A one-time dashboard link (`http://127.0.0.1:8787/#sign-in=<code>`, docs/dashboard.md): the code in
 * its fragment works once, for two minutes, so the long-lived token never goes into a URL. The link
 * must lead to the paired companion itself, or it is refused.
 */
export async function dashboardSignInLink(endpoint: CompanionEndpoint, fetchImpl?: FetchLike): Promise<string> {
  const answer = await companionRequest(endpoint, API.dashboard.signInCodes, { body: {} }, fetchImpl);
  let link: URL;
  try {
    link = new URL(answer.url);
  } catch {
    throw new CompanionError('invalid-response', 'the sign-in link is not a URL');
  }
  if (
    link.origin !== new URL(endpoint.url).origin ||
    link.hash !== `#sign-in=${answer.code}` ||
    link.pathname !== '/'
  ) {
    throw new CompanionError('invalid-response', 'the sign-in link does not lead to the paired companion');
  }
  return link.href;
}

/**
 * A one-time dashboard link that lands, signed in, on one review in the inbox
 * (`#sign-in=<code>&next=%2Finbox%2F<id>`); the dashboard accepts only its own routes as `next`.
 */
export async function dashboardReviewLink(
  endpoint: CompanionEndpoint,
  reviewId: string,
  fetchImpl?: FetchLike,
): Promise<string> {
  const link = await dashboardSignInLink(endpoint, fetchImpl);
  return `${link}&next=${encodeURIComponent(`/inbox/${encodeURIComponent(reviewId)}`)}`;
}

export function reviewCounts(endpoint: CompanionEndpoint, fetchImpl?: FetchLike): Promise<ReviewCounts> {
  return companionRequest(endpoint, API.reviews.counts, {}, fetchImpl);
}

export function pendingReviews(
  endpoint: CompanionEndpoint,
  limit = 50,
  fetchImpl?: FetchLike,
): Promise<ReviewListResponse> {
  return companionRequest(endpoint, API.reviews.list, { query: { status: 'pending', limit } }, fetchImpl);
}

export function getReview(endpoint: CompanionEndpoint, id: string, fetchImpl?: FetchLike): Promise<Review> {
  return companionRequest(endpoint, API.reviews.get, { params: { id } }, fetchImpl);
}

/** Approves or rejects; a 400 `invalid_input` comes back as a `refused` CompanionError with the field issues. */
export function decideReview(
  endpoint: CompanionEndpoint,
  id: string,
  decision: ReviewDecisionInput,
  fetchImpl?: FetchLike,
): Promise<Review> {
  return companionRequest(endpoint, API.reviews.decide, { params: { id }, body: decision }, fetchImpl);
}
