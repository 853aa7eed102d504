import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXPORT_FORMAT_KIND,
  EXPORT_FORMATS,
  type ExportPreviewResponse,
  exportPreviewResponseSchema,
} from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { pushBody, startTestServer, type TestServer } from './support/test-server.ts';

/** The text as it sits inside a JSON line (escaped, without the quotes). */
const inJson = (text: string) => JSON.stringify(text).slice(1, -1);

describe('export preview: each line as the example it carries', () => {
  let server: TestServer;
  const preview = async (query: string): Promise<ExportPreviewResponse> => {
    const response = await server.send({ path: `/api/v1/export/preview?${query}` });
    expect(response.status, response.text).toBe(200);
    return exportPreviewResponseSchema.parse(response.json());
  };

  beforeAll(async () => {
    server = await startTestServer();
    const context = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'How do I reset the router? Mail me at ada@example.com' },
    ];
    const variant = (index: number) => ({ index, count: 2, group: 'g-1' });
    const annotations = [
      // Two variants of one prompt, a score gap: a pair; each alone: SFT / KTO lines.
      makeAnnotation({
        conversationId: 'c-1',
        context,
        response: 'Hold the pin.',
        score: 90,
        thumb: 'up',
        variant: variant(1),
      }),
      makeAnnotation({
        conversationId: 'c-1',
        context,
        response: 'Unplug it.',
        score: 10,
        thumb: 'down',
        variant: variant(2),
      }),
      // A correction: a pair (correction > original), an SFT target, two KTO rows.
      makeAnnotation({
        conversationId: 'c-2',
        context,
        response: 'No idea.',
        thumb: 'down',
        score: 5,
        correction: 'Hold the reset pin for 10 seconds.',
      }),
    ];
    const pushed = await server.push(pushBody(annotations));
    expect(pushed.status, pushed.text).toBe(200);
  });
  afterAll(() => server.close());

  it('gives every format its kind of example, in the order of its lines, with the texts of the line', async () => {
    for (const format of EXPORT_FORMATS) {
      const { lines, examples } = await preview(`format=${format}&lines=20`);
      expect(
        examples.map((example) => example.line),
        format,
      ).toEqual(lines);
      expect(lines.length, format).toBeGreaterThan(0);
      for (const example of examples) {
        expect(example.kind, format).toBe(EXPORT_FORMAT_KIND[format]);
        expect(example.annotationIds.length, format).toBeGreaterThan(0);
        const texts =
          example.kind === 'sft'
            ? [example.target]
            : example.kind === 'pair'
              ? [example.chosen, example.rejected]
              : example.kind === 'kto'
                ? [example.completion]
                : [example.response];
        for (const text of texts) expect(example.line, `${format}: ${text}`).toContain(inJson(text));
        const lastUser = example.turns.filter((turn) => turn.role === 'user').at(-1);
        expect(lastUser, format).toBeDefined();
        expect(example.line, format).toContain(inJson(lastUser?.content ?? '').slice(0, 20));
      }
    }
  });

  it('says what made each line: the pair sides, the SFT target, the KTO label', async () => {
    const pairs = (await preview('format=trl-dpo')).examples;
    expect(pairs.map((e) => (e.kind === 'pair' ? [e.basis, e.chosen, e.rejected] : null))).toEqual(
      expect.arrayContaining([
        ['correction', 'Hold the reset pin for 10 seconds.', 'No idea.'],
        ['score-gap', 'Hold the pin.', 'Unplug it.'],
      ]),
    );
    const sft = (await preview('format=openai-sft')).examples;
    expect(sft.map((e) => (e.kind === 'sft' ? [e.basis, e.target, e.system] : null))).toEqual([
      ['thumb-up', 'Hold the pin.', 'You are terse.'],
      ['correction', 'Hold the reset pin for 10 seconds.', 'You are terse.'],
    ]);
    const kto = (await preview('format=trl-kto')).examples;
    expect(kto.map((e) => (e.kind === 'kto' ? [e.completion, e.label] : null))).toEqual([
      ['Hold the pin.', true],
      ['Unplug it.', false],
      ['Hold the reset pin for 10 seconds.', true],
      ['No idea.', false],
    ]);
  });

  it('previews redacted text when redaction is on, as the file has it', async () => {
    const { examples } = await preview('format=trl-sft&redactPii=true');
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      expect(JSON.stringify(example)).not.toContain('ada@example.com');
      expect(example.turns.at(-1)?.content).toContain('[EMAIL]');
    }
  });
});
