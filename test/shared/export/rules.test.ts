import { describe, expect, it } from 'vitest';
import { redactPii } from '../../../shared/export/index.ts';
import { type Annotation, exportOptionsSchema } from '../../../shared/index.ts';
import { makeAnnotation } from '../../support/annotation-factory.ts';
import { parseJsonl, runExport } from './export-helpers.ts';
import { annotations } from './fixture.ts';
import { validateExport } from './validators.ts';

type Msg = { role: string; content: string };
const lastContent = (messages: unknown) => (messages as Msg[])[(messages as Msg[]).length - 1]?.content;

describe('pairs', () => {
  it('come from corrections, explicit comparisons and variants of the same context only', async () => {
    const rows = parseJsonl((await runExport({ format: 'trl-dpo' })).train);
    const pairs = rows.map((row) => [lastContent(row.chosen), lastContent(row.rejected)]);
    expect(pairs).toContainEqual([
      'Hold the reset pin for 10 seconds until the LED blinks amber.',
      'Unplug it, I guess.',
    ]); // score gap 90 vs 20
    expect(pairs).toContainEqual(['Press and hold the reset button for ten seconds.', 'Unplug it, I guess.']); // up ≻ down
    expect(pairs).toContainEqual([
      'Hold the reset pin for 10 seconds until the LED blinks amber.',
      'Try turning it off and on again.',
    ]); // correction ≻ original
    expect(pairs).toContainEqual([
      'Hold the reset pin for 10 seconds until the LED blinks amber.',
      'Reboot from the admin page at 192.168.0.1.',
    ]); // explicit comparison, b wins
    const texts = JSON.stringify(pairs);
    expect(texts).not.toContain('Answer A.'); // equal scores and an explicit tie
    expect(texts).not.toContain('Arr, unplug it.'); // contexts differ
    expect(texts).not.toContain('On the back'); // a correction equal to the response is an approval
    // Both up (m1 and m3 of c-variants) give no pair.
    expect(pairs).not.toContainEqual([
      'Hold the reset pin for 10 seconds until the LED blinks amber.',
      'Press and hold the reset button for ten seconds.',
    ]);
  });

  it('count every reason a candidate pair was dropped', async () => {
    const { summary } = await runExport({ format: 'trl-dpo' });
    expect(summary.skipped).toMatchObject({
      'pair-both-up': 1,
      'pair-tie': 1,
      'comparison-tie': 1,
      'comparison-tombstoned': 1,
      'comparison-contexts-differ': 1,
      'pair-contexts-differ': 1,
      'comparison-missing-annotation': 1,
    });
    expect(summary.pairs).toBe(summary.examplesWritten);
  });

  it('give a score gap at or above δ, not below it, and trl-reward a margin of gap/100', async () => {
    const context = [{ role: 'user' as const, content: 'Pick one.' }];
    const pair = (scores: [number, number]) => [
      makeAnnotation({ conversationId: 'gap', messageId: 'a', context, response: 'A', thumb: null, score: scores[0] }),
      makeAnnotation({ conversationId: 'gap', messageId: 'b', context, response: 'B', thumb: null, score: scores[1] }),
    ];
    const at = await runExport({ format: 'trl-reward' }, pair([80, 65]), []);
    expect(parseJsonl(at.train)).toEqual([
      {
        prompt: context,
        chosen: [{ role: 'assistant', content: 'A' }],
        rejected: [{ role: 'assistant', content: 'B' }],
        margin: 0.15,
      },
    ]);
    const below = await runExport({ format: 'trl-reward' }, pair([80, 66]), []);
    expect(below.train).toBe('');
    expect(below.summary.skipped['pair-gap-below-delta']).toBe(1);
    const custom = await runExport({ format: 'trl-reward', pairMinGap: 10 }, pair([80, 66]), []);
    expect(parseJsonl(custom.train)).toHaveLength(1);
  });
});

describe('supervised examples', () => {
  it('take thumbs up, scores at the threshold and corrections, and nothing else', async () => {
    const rows = parseJsonl((await runExport({ format: 'trl-prompt-completion' })).train);
    const targets = rows.map((row) => lastContent(row.completion));
    expect(targets).toContain('Hold the reset pin for 10 seconds until the LED blinks amber.'); // correction
    expect(targets).toContain('It is online.'); // score 80, no thumb
    expect(targets).not.toContain('Try turning it off and on again.'); // the corrected original
    expect(targets).not.toContain('Middling answer.');
    expect(targets).not.toContain('Unrated answer.');
    expect(targets).not.toContain('Conflicted answer.');
    expect(targets).not.toContain('Unplug it, I guess.');
    const strict = parseJsonl((await runExport({ format: 'trl-prompt-completion', sftMinScore: 85 })).train);
    expect(strict.map((row) => lastContent(row.completion))).not.toContain('It is online.');
  });

  it('train every assistant turn at most once: earlier turns carry weight 0, the target weight 1 (openai-sft)', async () => {
    const rows = parseJsonl((await runExport({ format: 'openai-sft' })).train);
    const messagesOf = (row: Record<string, unknown>) => row.messages as (Msg & { weight?: number })[];
    const multi = rows.filter((row) => messagesOf(row).filter((m) => m.role === 'assistant').length > 1);
    const weights = multi.map((row) =>
      messagesOf(row)
        .filter((m) => m.role === 'assistant')
        .map((m) => [m.content, m.weight]),
    );
    expect(weights).toContainEqual([
      ['Unplug it, I guess.', 0],
      ['Hold the reset pin for 10 seconds until the LED blinks amber.', 1],
    ]);
    // "Use range(3)." was approved: it is trained on its own line (the target there), and is context
    // only (weight 0) in the later line of the same conversation.
    expect(weights).toContainEqual([
      ['Use range(3).', 0],
      [expect.stringContaining('```python'), 1],
    ]);
    // Every assistant turn OpenAI would train (weight 1, or no weight key), named by the conversation
    // up to and including it, is trained on one line of the file only.
    const trained = rows.flatMap((row) => {
      const messages = messagesOf(row).map(({ role, content }) => ({ role, content }));
      return messagesOf(row).flatMap((m, i) =>
        m.role === 'assistant' && m.weight !== 0 ? [JSON.stringify(messages.slice(0, i + 1))] : [],
      );
    });
    expect(trained.filter((turn) => turn.endsWith('"content":"Use range(3)."}]'))).toHaveLength(1);
    expect(trained.length).toBe(new Set(trained).size);
  });

  it('add the system prompt option only where the conversation has none', async () => {
    const rows = parseJsonl((await runExport({ format: 'trl-sft', systemPrompt: 'Be kind.' })).train);
    const systems = rows.map((row) => (row.messages as Msg[]).filter((m) => m.role === 'system').map((m) => m.content));
    expect(systems.every((list) => list.length === 1)).toBe(true);
    expect(systems.flat()).toContain('Be kind.');
    expect(systems.flat()).toContain('You are a terse support bot for the Acme router.');
  });
});

describe('KTO labels', () => {
  it('are true for up or score ≥ 70, false for down or score ≤ 40, and correction true / original false', async () => {
    const rows = parseJsonl((await runExport({ format: 'trl-kto' })).train);
    const label = (text: string) => rows.filter((row) => lastContent(row.completion) === text).map((row) => row.label);
    expect(label('It is online.')).toEqual([true]);
    expect(label('Try turning it off and on again.')).toEqual([false]);
    expect(label('Hold the reset pin for 10 seconds until the LED blinks amber.')).toContain(true);
    expect(label('Middling answer.')).toEqual([]);
    expect(label('Answer A.')).toEqual([]); // 60 is in the middle
    const { summary } = await runExport({ format: 'trl-kto' });
    expect(summary.labels.desirable + summary.labels.undesirable).toBe(rows.length);
  });
});

describe('options', () => {
  it('filter by site, annotator, tags, score, comment, correction and date', async () => {
    const count = async (input: Record<string, unknown>) =>
      parseJsonl((await runExport({ format: 'raw', ...input })).train).map((row) => row.id);
    expect(await count({ site: 'claude' })).toEqual(['ann-04', 'ann-05']);
    expect(await count({ annotator: 'bob' })).toEqual(['ann-03', 'ann-dup-bob']);
    expect(await count({ tag: 'unicode' })).toEqual(['ann-08']);
    expect((await count({ excludeTag: 'router' })).includes('ann-01')).toBe(false);
    expect(await count({ minScore: 90 })).toEqual(['ann-01', 'ann-08']);
    expect(await count({ maxScore: 20, minScore: 0 })).toEqual(['ann-02', 'ann-18']);
    expect(await count({ hasComment: 'true' })).toEqual(['ann-01', 'ann-05']);
    expect((await count({ hasCorrection: true })).length).toBe(
      annotations.filter((a) => a.correction !== null && a.deletedAt === null).length,
    );
    expect(await count({ since: '2026-11-01T10:27:00Z' })).toEqual(['ann-27', 'ann-28']);
    expect(await count({ until: '2026-11-01T10:02:00Z' })).toEqual(['ann-01']);
  });

  it('reject bad options with a message naming the field', () => {
    const result = exportOptionsSchema.safeParse({ format: 'trl-dpo', split: '1.5', minScore: 'high', colour: 1 });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['split', 'minScore']));
    expect(exportOptionsSchema.safeParse({ format: 'csv' }).success).toBe(false);
    expect(exportOptionsSchema.safeParse({ format: 'raw', colour: 'red' }).success).toBe(false);
  });

  it('dedup drops identical lines, and can be turned off', async () => {
    const on = await runExport({ format: 'trl-sft' });
    const off = await runExport({ format: 'trl-sft', dedup: false });
    expect(on.summary.skipped.duplicate).toBe(1);
    expect(off.summary.examplesWritten).toBe(on.summary.examplesWritten + 1);
    expect(new Set(on.train.split('\n')).size).toBe(on.train.split('\n').length);
  });

  it('split by conversation, deterministically, so variants never straddle the split', async () => {
    const many: Annotation[] = [];
    for (let c = 0; c < 200; c++) {
      const context = [{ role: 'user' as const, content: `Question ${c}` }];
      many.push(
        makeAnnotation({
          conversationId: `conv-${c}`,
          messageId: 'a',
          context,
          response: `Good ${c}`,
          thumb: 'up',
          score: 90,
        }),
        makeAnnotation({
          conversationId: `conv-${c}`,
          messageId: 'b',
          context,
          response: `Bad ${c}`,
          thumb: 'down',
          score: 10,
        }),
      );
    }
    const first = await runExport({ format: 'trl-dpo', split: 0.8 }, many, []);
    const again = await runExport({ format: 'trl-dpo', split: '0.8' }, many, []);
    expect(again.train).toBe(first.train);
    expect(again.validation).toBe(first.validation);
    const trainRows = parseJsonl(first.train).length;
    expect(trainRows + parseJsonl(first.validation).length).toBe(200);
    expect(trainRows).toBeGreaterThan(140);
    expect(trainRows).toBeLessThan(180);
    const conversations = (meta: string) =>
      new Set(
        parseJsonl(meta).flatMap((m) => (m.sources as { conversation_id: string }[]).map((s) => s.conversation_id)),
      );
    const trainConversations = conversations(first.trainMeta);
    for (const id of conversations(first.validationMeta)) expect(trainConversations.has(id)).toBe(false);
    expect(validateExport('trl-dpo', first.validation)).toEqual([]);
    expect(parseJsonl(first.validationMeta)[0]?.line).toBe(1);
  });

  it('redact emails, phone numbers and API keys everywhere, and count them', async () => {
    const leaky = makeAnnotation({
      context: [
        {
          role: 'user',
          content: 'Mail ada@example.com or call +1 415-555-0134. Key: sk-proj-abcdefghijklmnopqrstuvwx123',
        },
      ],
      response: 'Done: I wrote to ada@example.com on 2026-11-01 about version 1.2.3.',
      comment: 'call (020) 7946 0958',
      thumb: 'up',
    });
    const out = await runExport({ format: 'trl-sft', redactPii: true }, [leaky], []);
    expect(out.train).not.toMatch(/example\.com|555-0134|sk-proj/);
    expect(out.train).toContain('[EMAIL]');
    expect(out.train).toContain('[PHONE]');
    expect(out.train).toContain('[API_KEY]');
    expect(out.train).toContain('2026-11-01 about version 1.2.3'); // dates and versions stay
    expect(out.trainMeta).toContain('[PHONE]');
    expect(out.summary.redactions).toEqual({ email: 2, phone: 2, apiKey: 1, total: 5 });
    const plain = await runExport({ format: 'trl-sft' }, [leaky], []);
    expect(plain.train).toContain('ada@example.com');
  });

  it('redaction leaves ordinary text alone', () => {
    const counts = { email: 0, phone: 0, apiKey: 0 };
    const text = 'Port 8080, IP 192.168.0.1, 3.14159, ISBN-free prose, token count 4096, at 10:30 on 2026-11-01.';
    expect(redactPii(text, counts)).toBe(text);
    expect(counts).toEqual({ email: 0, phone: 0, apiKey: 0 });
  });
});

describe('streaming', () => {
  it('warns when a conversation arrives in two separate runs', async () => {
    const context = [{ role: 'user' as const, content: 'Q' }];
    const a = makeAnnotation({ conversationId: 'x', messageId: 'a', context, response: 'A', thumb: 'up' });
    const other = makeAnnotation({ conversationId: 'y', messageId: 'c', context, response: 'C', thumb: 'up' });
    const b = makeAnnotation({ conversationId: 'x', messageId: 'b', context, response: 'B', thumb: 'down' });
    const interleaved = await runExport({ format: 'trl-dpo' }, [a, other, b], []);
    expect(interleaved.summary.warnings).toHaveLength(1);
    expect(interleaved.train).toBe('');
    const adjacent = await runExport({ format: 'trl-dpo' }, [a, b, other], []);
    expect(adjacent.summary.warnings).toEqual([]);
    expect(parseJsonl(adjacent.train)).toHaveLength(1);
  });

  it('accepts async iterables, as a store or the extension hands them over', async () => {
    async function* slowly<T>(items: T[]) {
      for (const item of items) {
        await Promise.resolve();
        yield item;
      }
    }
    const { exportDataset, collectExport } = await import('../../../shared/export/index.ts');
    const { comparisons } = await import('./fixture.ts');
    const run = exportDataset(
      slowly(annotations),
      slowly(comparisons),
      exportOptionsSchema.parse({ format: 'trl-dpo' }),
    );
    const files = await collectExport(run);
    expect(files.train.lines).toBe((await runExport({ format: 'trl-dpo' })).train);
  });
});
