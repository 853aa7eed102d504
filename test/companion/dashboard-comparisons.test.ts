import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotationComparisonsSchema, apiErrorSchema, type Comparison } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { pushBody, startTestServer, type TestServer } from './support/test-server.ts';

function comparison(id: string, a: string, b: string, fields: Partial<Comparison> = {}): Comparison {
  return {
    schemaVersion: 1,
    id,
    a,
    b,
    winner: 'a',
    annotator: 'ada',
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    deletedAt: null,
    revision: 1,
    ...fields,
  };
}

describe.each(STORE_KINDS)('GET /api/v1/annotations/:id/comparisons (%s)', (kind) => {
  let server: TestServer;
  const [a, b, c, d] = [1, 2, 3, 4].map((index) =>
    makeAnnotation({ conversationId: 'compared', response: `Variant ${index}` }),
  ) as [ReturnType<typeof makeAnnotation>, ...ReturnType<typeof makeAnnotation>[]];
  const comparisons = [
    comparison('cmp-1', a.id, b?.id ?? '', { winner: 'a' }),
    comparison('cmp-2', c?.id ?? '', a.id, { winner: 'tie', annotator: 'grace' }),
    comparison('cmp-3', a.id, d?.id ?? '', { deletedAt: '2026-11-02T10:00:00.000Z', revision: 2 }),
    comparison('cmp-4', b?.id ?? '', c?.id ?? ''),
    comparison('cmp-5', 'never-synced', a.id, { winner: 'b' }),
  ];

  beforeAll(async () => {
    server = await startTestServer({ store: kind });
    const pushed = await server.push(pushBody([a, b, c, d], 'device-a', comparisons));
    expect(pushed.status, pushed.text).toBe(200);
  });
  afterAll(() => server.close());

  it('answers the live comparisons that name the annotation on either side, with the other annotation', async () => {
    const response = await server.send({ path: `/api/v1/annotations/${a.id}/comparisons` });
    expect(response.status, response.text).toBe(200);
    const { comparisons: found } = annotationComparisonsSchema.parse(response.json());
    expect(found.map((entry) => [entry.comparison.id, entry.comparison.winner, entry.other?.id ?? null])).toEqual([
      ['cmp-1', 'a', b?.id],
      ['cmp-2', 'tie', c?.id],
      ['cmp-5', 'b', null],
    ]);
    expect(found[0]?.other).toEqual(b);
  });

  it('answers an empty list for an annotation nobody compared, and 404 for no annotation', async () => {
    const lone = await server.send({ path: `/api/v1/annotations/${d?.id}/comparisons` });
    expect(annotationComparisonsSchema.parse(lone.json()).comparisons).toEqual([]);
    const missing = await server.send({ path: '/api/v1/annotations/no-such-id/comparisons' });
    expect(missing.status).toBe(404);
    expect(apiErrorSchema.parse(missing.json()).error.code).toBe('not_found');
  });
});
