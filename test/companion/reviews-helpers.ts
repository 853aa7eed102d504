import type { Annotation, ApiError, Review, ReviewCounts, ReviewRequestInput } from '../../shared/index.ts';
import type { RawResponse } from './support/raw-http.ts';
import type { TestServer } from './support/test-server.ts';

/** A JSON request to the test server, with the right Host and token unless the test overrides them. */
export function call(server: TestServer, method: string, path: string, body?: unknown): Promise<RawResponse> {
  return server.send({
    method,
    path,
    ...(body === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
  });
}

/** The form of the Python example: a title chosen from a list, first and last name required. */
export const NAME_FORM = {
  type: 'object',
  properties: {
    title: { type: 'string', enum: ['Dr', 'Mr', 'Ms', 'Mx'], description: 'How to address them' },
    first_name: { type: 'string', minLength: 1, maxLength: 50 },
    last_name: { type: 'string', minLength: 1, maxLength: 50 },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    newsletter: { type: 'boolean', default: false },
  },
  required: ['title', 'first_name', 'last_name'],
} as const;

export function reviewRequest(overrides: Partial<ReviewRequestInput> = {}): ReviewRequestInput {
  return {
    title: 'Approve the generated customer',
    description: 'Check the **name** before it is published.',
    messages: [{ role: 'user', content: 'Invent a customer name.' }],
    output: 'Ada Lovelace',
    form: NAME_FORM as unknown as ReviewRequestInput['form'],
    timeout: 600,
    ...overrides,
  };
}

export async function createReview(
  server: TestServer,
  overrides: Partial<ReviewRequestInput> = {},
): Promise<{ status: number; review: Review; created: boolean }> {
  const response = await call(server, 'POST', '/api/v1/reviews', reviewRequest(overrides));
  if (response.status !== 201 && response.status !== 200) throw new Error(`create failed: ${response.text}`);
  const body = response.json() as { review: Review; created: boolean };
  return { status: response.status, ...body };
}

export async function getReview(server: TestServer, id: string, wait = 0): Promise<Review> {
  const response = await call(server, 'GET', `/api/v1/reviews/${id}${wait ? `?wait=${wait}` : ''}`);
  if (response.status !== 200) throw new Error(`get failed: ${response.text}`);
  return response.json() as Review;
}

export function decide(server: TestServer, id: string, body: unknown): Promise<RawResponse> {
  return call(server, 'POST', `/api/v1/reviews/${id}/decision`, body);
}

export async function counts(server: TestServer): Promise<ReviewCounts> {
  return (await call(server, 'GET', '/api/v1/reviews/counts')).json() as ReviewCounts;
}

export function errorOf(response: RawResponse): ApiError['error'] {
  return (response.json() as ApiError).error;
}

/** Every annotation the companion holds, through the sync feed (what the extension and exports see). */
export async function allAnnotations(server: TestServer): Promise<Annotation[]> {
  const response = await call(server, 'GET', '/api/v1/sync/pull?since=0&limit=1000');
  return (response.json() as { annotations: Annotation[] }).annotations;
}

/** Polls `check` until it holds (or fails after `ms`). */
export async function until(check: () => Promise<boolean> | boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
