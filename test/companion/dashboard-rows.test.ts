import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotationListResponseSchema } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { pushBody, startTestServer, type TestServer } from './support/test-server.ts';

describe.each(STORE_KINDS)(
  'the table rows: the prompt each response answers, and the revision an edit names (%s)',
  (kind) => {
    let server: TestServer;
    const long = `Please ${'explain this part again, slowly, '.repeat(10)}thanks`;
    const annotations = [
      makeAnnotation({
        messageId: 'multi',
        context: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'How do I reset the router?' },
          { role: 'assistant', content: 'Unplug it.' },
          { role: 'user', content: 'That did not help,\n\n  what   else? 👋' },
          { role: 'tool', content: 'router status: amber' },
        ],
      }),
      makeAnnotation({ messageId: 'no-user', context: [{ role: 'system', content: 'Greet the user.' }] }),
      makeAnnotation({ messageId: 'long', context: [{ role: 'user', content: long }] }),
    ];

    beforeAll(async () => {
      server = await startTestServer({ store: kind });
      const pushed = await server.push(pushBody(annotations));
      expect(pushed.status, pushed.text).toBe(200);
    });
    afterAll(() => server.close());

    const rows = async () => {
      const response = await server.send({ path: '/api/v1/annotations?limit=10' });
      expect(response.status, response.text).toBe(200);
      const byMessage = new Map(annotations.map((annotation) => [annotation.id, annotation.messageId]));
      return new Map(
        annotationListResponseSchema.parse(response.json()).rows.map((row) => [byMessage.get(row.id), row]),
      );
    };

    it('shows the last user turn on one line, cut like the other excerpts; nothing when there is none', async () => {
      const found = await rows();
      expect(found.get('multi')?.prompt).toBe('That did not help, what else? 👋');
      expect(found.get('no-user')?.prompt).toBe('');
      const cut = found.get('long')?.prompt ?? '';
      expect(cut).toHaveLength(160);
      expect(cut.endsWith('…')).toBe(true);
      expect(long.replace(/\s+/g, ' ').startsWith(cut.slice(0, -1))).toBe(true);
    });

    it('carries the stored revision, so an edit from the table names the right one', async () => {
      expect((await rows()).get('multi')?.revision).toBe(1);
      const target = annotations[0]?.id ?? '';
      const edited = await server.send({
        method: 'PATCH',
        path: `/api/v1/annotations/${target}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ baseRevision: 1, tags: ['checked'] }),
      });
      expect(edited.status, edited.text).toBe(200);
      const row = (await rows()).get('multi');
      expect(row?.revision).toBe(2);
      expect(row?.tags).toEqual(['checked']);
    });
  },
);
