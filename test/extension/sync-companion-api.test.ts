import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSignInLink } from '../../companion/dashboard/src/auth.ts';
import {
  dashboardReviewLink,
  dashboardSignInLink,
  decideReview,
  getReview,
  pendingReviews,
  reviewCounts,
} from '../../extension/src/sync/companion-api.ts';
import { CompanionError, type FetchLike } from '../../extension/src/sync/companion-client.ts';
import { type ReviewForm, reviewCreatedSchema, reviewFormSchema } from '../../shared/index.ts';
import { initialDraft, issuesToErrors, validateDraft } from '../../shared/review-draft.ts';
import { startTestServer, type TestServer } from '../companion/support/test-server.ts';

let server: TestServer;
const endpoint = () => ({ url: `http://127.0.0.1:${server.port}`, token: server.token });

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const FORM: ReviewForm = reviewFormSchema.parse({
  type: 'object',
  properties: {
    title: { type: 'string', enum: ['Dr', 'Mr', 'Ms', 'Mx'] },
    first_name: { type: 'string', minLength: 1, maxLength: 50 },
    age: { type: 'integer', minimum: 18, maximum: 120 },
    vip: { type: 'boolean', default: false },
  },
  required: ['title', 'first_name'],
});

async function requestReview() {
  const response = await server.send({
    method: 'POST',
    path: '/api/v1/reviews',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Approve the names', output: 'Grace Hopper', form: FORM }),
  });
  expect(response.status, response.text).toBe(201);
  return reviewCreatedSchema.parse(response.json()).review;
}

describe('the dashboard sign-in link', () => {
  it('can carry one review of the inbox as its destination, which the dashboard reads back', async () => {
    const review = await requestReview();
    const url = new URL(await dashboardReviewLink(endpoint(), review.id));
    expect(url.origin).toBe(endpoint().url);
    const link = parseSignInLink(url.hash, ['annotations', 'inbox']);
    expect(link?.next).toBe(`#/inbox/${review.id}`);
  });

  it('is a one-time code for the paired companion, and never the token', async () => {
    const link = await dashboardSignInLink(endpoint());
    const url = new URL(link);
    expect(url.origin).toBe(endpoint().url);
    expect(url.hash).toMatch(/^#sign-in=[A-Za-z0-9_-]{20,100}$/);
    expect(link).not.toContain(server.token);
    const code = url.hash.slice('#sign-in='.length);
    const redeem = () =>
      server.send({
        method: 'POST',
        path: '/api/v1/sign-in',
        token: null,
        headers: { 'content-type': 'application/json', origin: `http://${server.host}` },
        body: JSON.stringify({ code }),
      });
    const first = await redeem();
    expect(first.status).toBe(200);
    expect(first.json()).toEqual({ token: server.token });
    expect((await redeem()).status).toBe(401);
  });

  it('refuses a link that leads anywhere but the paired companion', async () => {
    const elsewhere: FetchLike = async () =>
      new Response(
        JSON.stringify({
          code: 'a'.repeat(43),
          expiresAt: '2026-11-01T10:00:00.000Z',
          url: `http://evil.example/#sign-in=${'a'.repeat(43)}`,
        }),
      );
    await expect(dashboardSignInLink(endpoint(), elsewhere)).rejects.toThrow(/does not lead to the paired companion/);
  });

  it('reports a rejected token as such', async () => {
    await expect(dashboardSignInLink({ ...endpoint(), token: 'wrong' })).rejects.toMatchObject({
      kind: 'unauthorized',
    });
  });
});

describe('reviews from the popup', () => {
  it('lists a pending review, checks the answers like the companion, and approves it', async () => {
    const created = await requestReview();
    expect((await reviewCounts(endpoint())).pending).toBe(1);
    const list = await pendingReviews(endpoint());
    expect(list.reviews.map((review) => review.title)).toEqual(['Approve the names']);
    const review = await getReview(endpoint(), created.id);
    expect(review.form).toEqual(FORM);

    const draft = initialDraft(review.form);
    expect(draft).toEqual({ title: '', first_name: '', age: '', vip: false });
    expect(validateDraft(review.form, { ...draft, age: '12' })).toEqual({
      ok: false,
      errors: { title: 'is required', first_name: 'must not be empty', age: 'must be at least 18' },
    });
    // Rejecting takes partial answers.
    expect(validateDraft(review.form, draft, { partial: true })).toMatchObject({ ok: true });

    const answers = validateDraft(review.form, { ...draft, title: 'Dr', first_name: 'Grace', age: '85' });
    if (!answers.ok) throw new Error('answers should be valid');
    expect(answers.answers).toEqual({ title: 'Dr', first_name: 'Grace', age: 85, vip: false });
    const decided = await decideReview(endpoint(), created.id, {
      decision: 'approve',
      input: answers.answers,
      reviewer: 'ada',
    });
    expect(decided).toMatchObject({ status: 'approved', reviewer: 'ada', input: answers.answers });
    expect((await reviewCounts(endpoint())).pending).toBe(0);
  });

  it('shows the companion’s field issues when it refuses the answers', async () => {
    const created = await requestReview();
    const refused = await decideReview(endpoint(), created.id, {
      decision: 'approve',
      input: { title: 'Sir', first_name: 'Grace' },
      reviewer: 'ada',
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CompanionError);
    const issues = (refused as CompanionError).details.issues ?? [];
    expect(issuesToErrors(issues)).toMatchObject({ title: expect.stringMatching(/must be one of/) });
    expect((await getReview(endpoint(), created.id)).status).toBe('pending');
  });
});
