import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  createMarginClient,
  MarginApiError,
  type MarginClient,
  type Review,
  ReviewCancelledError,
  ReviewExpiredError,
  ReviewInputError,
  ReviewRejectedError,
} from '../../companion/src/client/index.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { until } from './reviews-helpers.ts';

const personForm = z.object({
  title: z.enum(['Dr', 'Mr', 'Ms', 'Mx']).describe('How to address them'),
  first_name: z.string().min(1).max(50),
  last_name: z.string().min(1).max(50),
  age: z.int().min(0).max(150).optional(),
  newsletter: z.boolean().default(false),
});

// The same client as the package exports it (`margin/client`, compiled, with its .d.ts) is used from an
// installed tarball in test/package/packed-install.test.ts.
describe('TypeScript client against a real companion', () => {
  let companion: CompanionProcess;
  let pipeline: MarginClient;
  let reviewer: MarginClient;

  beforeAll(async () => {
    companion = await startCompanion();
    pipeline = createMarginClient({ url: companion.url, token: companion.token });
    reviewer = createMarginClient({ url: companion.url, token: companion.token });
  });
  afterAll(() => companion.dispose());

  /** The pending review with this title, once it shows up in the inbox list. */
  async function pendingReview(title: string): Promise<Review> {
    let found: string | undefined;
    await until(
      async () => {
        found = (await reviewer.listReviews()).reviews.find((review) => review.title === title)?.id;
        return found !== undefined;
      },
      15_000,
      `review "${title}"`,
    );
    return reviewer.getReview(found as string);
  }

  it('requestReview resolves with the answers typed and parsed by the zod form', async () => {
    const asked = pipeline.requestReview({
      title: 'typed approval',
      output: 'Ada Lovelace',
      form: personForm,
      key: 'client-typed',
      pollSeconds: 5,
    });
    const review = await pendingReview('typed approval');
    // The zod form arrived as the JSON Schema subset, defaults and descriptions included.
    expect(review.form?.properties.title).toEqual({
      type: 'string',
      enum: ['Dr', 'Mr', 'Ms', 'Mx'],
      description: 'How to address them',
    });
    expect(review.form?.properties.newsletter).toEqual({ type: 'boolean', default: false });
    expect(review.form?.required).toEqual(['title', 'first_name', 'last_name']);
    await reviewer.decideReview(review.id, {
      decision: 'approve',
      input: { title: 'Dr', first_name: 'Ada', last_name: 'Lovelace' },
      reviewer: 'grace',
    });
    const input = await asked;
    expectTypeOf(input).toEqualTypeOf<{
      title: 'Dr' | 'Mr' | 'Ms' | 'Mx';
      first_name: string;
      last_name: string;
      age?: number | undefined;
      newsletter: boolean;
    }>();
    expect(input).toEqual({ title: 'Dr', first_name: 'Ada', last_name: 'Lovelace', newsletter: false });
    // Asking again with the same key returns the decided review's answers at once.
    expect(
      await pipeline.requestReview({
        title: 'typed approval',
        output: 'Ada Lovelace',
        form: personForm,
        key: 'client-typed',
      }),
    ).toEqual(input);
  });

  it('throws ReviewRejectedError, ReviewExpiredError and ReviewCancelledError with the review', async () => {
    // The outcome is caught at once: the decision can settle the wait before the next line awaits it.
    const rejected = pipeline
      .requestReview({ title: 'to reject', form: personForm, pollSeconds: 5 })
      .catch((error: unknown) => error);
    const toReject = await pendingReview('to reject');
    await reviewer.decideReview(toReject.id, { decision: 'reject', reviewer: 'grace', comment: 'wrong person' });
    const rejection = await rejected;
    expect(rejection).toBeInstanceOf(ReviewRejectedError);
    expect((rejection as ReviewRejectedError).review).toMatchObject({ status: 'rejected', comment: 'wrong person' });
    expect((rejection as Error).message).toBe('Review "to reject" was rejected by grace: wrong person');

    const expired = await pipeline.requestReview({ title: 'to expire', timeout: 0.5 }).catch((error: unknown) => error);
    expect(expired).toBeInstanceOf(ReviewExpiredError);
    expect((expired as ReviewExpiredError).review.status).toBe('expired');

    const cancelled = pipeline.requestReview({ title: 'to cancel', pollSeconds: 5 }).catch((error: unknown) => error);
    const toCancel = await pendingReview('to cancel');
    await reviewer.cancelReview(toCancel.id, 'run aborted');
    const cancellation = await cancelled;
    expect(cancellation).toBeInstanceOf(ReviewCancelledError);
    expect((cancellation as Error).message).toBe('Review "to cancel" was cancelled: run aborted');
  });

  it('a refinement JSON Schema cannot carry is checked on approval: ReviewInputError with the issue', async () => {
    const form = personForm.refine((person) => person.first_name !== person.last_name, {
      message: 'first and last name must differ',
      path: ['last_name'],
    });
    const asked = pipeline.requestReview({ title: 'refined', form, pollSeconds: 5 }).catch((caught: unknown) => caught);
    const review = await pendingReview('refined');
    await reviewer.decideReview(review.id, {
      decision: 'approve',
      input: { title: 'Mx', first_name: 'Sam', last_name: 'Sam' },
      reviewer: 'grace',
    });
    const error = await asked;
    expect(error).toBeInstanceOf(ReviewInputError);
    expect((error as ReviewInputError).issues).toEqual([
      { path: 'last_name', message: 'first and last name must differ' },
    ]);
  });

  it('a JSON Schema form works too, and API errors carry status, code and field issues', async () => {
    const asked = pipeline.requestReview({
      title: 'json form',
      form: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
      pollSeconds: 5,
    });
    const review = await pendingReview('json form');
    const invalid = await reviewer
      .decideReview(review.id, { decision: 'approve', input: { ok: 'yes' }, reviewer: 'grace' })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(MarginApiError);
    expect(invalid).toMatchObject({ status: 400, code: 'invalid_input', issues: [{ path: 'input.ok' }] });
    await reviewer.decideReview(review.id, { decision: 'approve', input: { ok: true }, reviewer: 'grace' });
    expect(await asked).toEqual({ ok: true });

    const unsupported = await pipeline
      .requestReview({ title: 'bad form', form: z.object({ tags: z.array(z.string()) }) })
      .catch((error: unknown) => error);
    expect(unsupported).toMatchObject({ status: 400, code: 'invalid_request' });
    expect((unsupported as MarginApiError).issues.map((issue) => issue.path)).toEqual(['form.properties.tags.type']);

    const wrongToken = createMarginClient({ url: companion.url, token: 'not-the-token' });
    await expect(wrongToken.reviewCounts()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('keeps waiting across a companion restart and resumes with the answer', async () => {
    const asked = pipeline.requestReview({ title: 'across restart', form: personForm, pollSeconds: 2 });
    await pendingReview('across restart');
    await companion.restart();
    const review = await pendingReview('across restart');
    expect(review.status).toBe('pending');
    await reviewer.decideReview(review.id, {
      decision: 'approve',
      input: { title: 'Ms', first_name: 'Grace', last_name: 'Hopper', age: 85 },
      reviewer: 'ada',
    });
    expect(await asked).toEqual({ title: 'Ms', first_name: 'Grace', last_name: 'Hopper', age: 85, newsletter: false });
  });

  it('logs a call and attaches feedback', async () => {
    const logged = await pipeline.log({
      trace_id: 'client-trace-1',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      response: 'Paris.',
      model: 'gpt-5-mini',
    });
    expect(logged.created).toBe(true);
    const feedback = await pipeline.feedback({
      trace_id: 'client-trace-1',
      value: 10,
      metadata: { user_id: 'u-1' },
    });
    expect(feedback.annotation).toMatchObject({ id: logged.annotation.id, thumb: 'up', score: 100, revision: 2 });
    expect((await pipeline.getLog('client-trace-1')).log.metadata).toMatchObject({
      user_id: 'u-1',
      trace_id: 'client-trace-1',
    });
  });
});
