import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { annotationSchema, syncPullResponseSchema, syncPushResponseSchema } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { pushBody, startTestServer, type TestServer } from './support/test-server.ts';

// Issue 15: the model's reasoning and the capture's completeness flags survive every hop after the
// extension (push, the store, pull to another device, the raw export) on SQLite and on PostgreSQL.
describe.each(STORE_KINDS)('annotation schema v2 round trip (%s)', (kind) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ store: kind });
  });
  afterEach(() => server.close());

  const partial = makeAnnotation({
    reasoning: 'The user wants a haiku, so: three lines, 5-7-5.',
    response: 'Autumn moonlight—\n[image: moon.png]\na worm digs silently',
    metadata: {
      'capture.partial': true,
      'capture.images': 1,
      'capture.unrenderedTurns': 3,
    },
  });
  const complete = makeAnnotation({ response: 'No reasoning shown on this page.' });

  it('keeps reasoning apart from the response and the completeness keys, through push, pull and the raw export', async () => {
    const pushed = await server.push(pushBody([partial, complete], 'device-a'));
    expect(pushed.status, pushed.text).toBe(200);
    expect(syncPushResponseSchema.parse(pushed.json()).annotations.map((result) => result.status)).toEqual([
      'accepted',
      'accepted',
    ]);

    const pulled = await server.send({ path: '/api/v1/sync/pull?since=0&limit=100' });
    expect(pulled.status, pulled.text).toBe(200);
    const byId = new Map(syncPullResponseSchema.parse(pulled.json()).annotations.map((a) => [a.id, a]));
    expect(byId.get(partial.id)).toEqual(annotationSchema.parse(partial));
    expect(byId.get(complete.id)?.reasoning).toBeUndefined();

    const raw = await server.send({ path: '/api/v1/export?format=raw' });
    expect(raw.status, raw.text).toBe(200);
    const lines = raw.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; reasoning?: string; response: string; metadata: object });
    const exported = lines.find((line) => line.id === partial.id);
    expect(exported?.reasoning).toBe(partial.reasoning);
    expect(exported?.response).not.toContain('three lines');
    expect(exported?.metadata).toMatchObject(partial.metadata);
    expect(lines.find((line) => line.id === complete.id)?.reasoning).toBeUndefined();

    // A replay from a second device is the same version, on both stores.
    const replay = syncPushResponseSchema.parse((await server.push(pushBody([partial], 'device-b'))).json());
    expect(replay.annotations[0]?.status).toBe('unchanged');
    expect(await server.countRows('history')).toBe(0);
  });
});
