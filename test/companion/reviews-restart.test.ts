import { afterEach, describe, expect, it } from 'vitest';
import type { Annotation, Review } from '../../shared/index.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { reviewRequest, until } from './reviews-helpers.ts';

/** A JSON request to a companion process, as any pipeline would make it. */
async function api(companion: CompanionProcess, method: string, path: string, body?: unknown) {
  const response = await fetch(`${companion.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${companion.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

// Three companion processes start in one test; on two busy cores each start can take seconds.
describe('reviews across a companion restart', { timeout: 60_000 }, () => {
  let companion: CompanionProcess | undefined;
  afterEach(async () => {
    await companion?.dispose();
  });

  it('a pending review survives a restart and is decided after it; one that expired meanwhile is expired', async () => {
    companion = await startCompanion();
    const created = await api(companion, 'POST', '/api/v1/reviews', reviewRequest({ key: 'restart-1', timeout: 3600 }));
    expect(created.status).toBe(201);
    const pending = created.body.review as Review;
    const shortLived = (await api(companion, 'POST', '/api/v1/reviews', reviewRequest({ timeout: 1 }))).body
      .review as Review;

    // A long poll in flight when the companion stops gets an answer (still pending), not a hang.
    const polling = api(companion, 'GET', `/api/v1/reviews/${pending.id}?wait=30`);
    await until(
      async () => (await api(companion as CompanionProcess, 'GET', '/api/v1/reviews/counts')).body.waiters === 1,
      10_000,
      'the long poll',
    );
    expect(await companion.stop()).toBe(0);
    expect((await polling).body).toMatchObject({ id: pending.id, status: 'pending' });
    // Stay down past the short review's expiry: no timer runs while the companion is down.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await companion.start();

    expect((await api(companion, 'GET', `/api/v1/reviews/${pending.id}`)).body).toEqual(pending);
    const expired = (await api(companion, 'GET', `/api/v1/reviews/${shortLived.id}`)).body as Review;
    expect(expired).toMatchObject({ status: 'expired', resolvedAt: shortLived.expiresAt });
    // The key still names the same review.
    const replay = await api(companion, 'POST', '/api/v1/reviews', reviewRequest({ key: 'restart-1', timeout: 3600 }));
    expect(replay.status).toBe(200);
    expect((replay.body.review as Review).id).toBe(pending.id);

    const waiting = api(companion, 'GET', `/api/v1/reviews/${pending.id}?wait=30`);
    const decided = await api(companion, 'POST', `/api/v1/reviews/${pending.id}/decision`, {
      decision: 'approve',
      input: { title: 'Ms', first_name: 'Grace', last_name: 'Hopper' },
      reviewer: 'ada',
    });
    expect(decided.status).toBe(200);
    expect((await waiting).body).toMatchObject({
      status: 'approved',
      input: { title: 'Ms', first_name: 'Grace', last_name: 'Hopper', newsletter: false },
    });

    // And the decision itself survives the next restart, annotation included.
    await companion.restart();
    expect((await api(companion, 'GET', `/api/v1/reviews/${pending.id}`)).body).toMatchObject({ status: 'approved' });
    const pulled = (await api(companion, 'GET', '/api/v1/sync/pull')).body.annotations as Annotation[];
    expect(pulled.map((annotation) => [annotation.site, annotation.thumb, annotation.annotator])).toEqual([
      ['review', 'up', 'ada'],
    ]);
  });
});
