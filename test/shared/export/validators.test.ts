import { describe, expect, it } from 'vitest';
import type { ExportFormat } from '../../../shared/index.ts';
import { validateExport } from './validators.ts';

const u = { role: 'user', content: 'How do I reset the router?' };
const a = (content: string) => ({ role: 'assistant', content });
const jsonl = (...rows: unknown[]) => rows.map((row) => `${JSON.stringify(row)}\n`).join('');

// Each validator must catch what its consumer rejects; otherwise a passing export proves nothing.
const invalid: [ExportFormat, string, string][] = [
  ['openai-sft', jsonl({ messages: [u] }), 'example_missing_assistant_message'],
  ['openai-sft', jsonl({ messages: [u, { ...a('x'), weight: 0.5 }] }), 'weight'],
  ['openai-sft', jsonl({ messages: [u, a('x')], meta: 1 }), 'unknown top-level'],
  ['openai-sft', jsonl({ messages: [u, a('')] }), 'missing_content'],
  [
    'openai-dpo',
    jsonl({ input: { messages: [u, a('x')] }, preferred_output: [a('y')], non_preferred_output: [a('z')] }),
    'must end with a user',
  ],
  [
    'openai-dpo',
    jsonl({ input: { messages: [u] }, preferred_output: [a('y')], non_preferred_output: [a('y')] }),
    'identical',
  ],
  ['trl-sft', jsonl({ messages: [] }), 'empty message list'],
  [
    'trl-prompt-completion',
    jsonl({ prompt: [{ role: 'system', content: 's' }], completion: [a('x')] }),
    'ends with system',
  ],
  ['trl-dpo', jsonl({ prompt: [u], chosen: [a('x')], rejected: [a('x')] }), 'tie'],
  [
    'trl-dpo',
    jsonl(
      { prompt: [u], chosen: [a('x')], rejected: [a('y')] },
      { prompt: [u], chosen: [a('x')], rejected: [a('y')], margin: 1 },
    ),
    'key set',
  ],
  ['trl-kto', jsonl({ prompt: [u], completion: [a('x')], label: 'true' }), 'boolean'],
  ['trl-reward', jsonl({ prompt: [u], chosen: [a('x')], rejected: [a('y')] }), 'key set'],
  ['sharegpt', jsonl({ conversations: [{ from: 'human', value: 'q' }] }), 'even count'],
  [
    'sharegpt',
    jsonl({
      conversations: [
        { from: 'user', value: 'q' },
        { from: 'gpt', value: 'a' },
      ],
    }),
    'position',
  ],
  [
    'sharegpt-dpo',
    jsonl({ conversations: [{ from: 'human', value: 'q' }], chosen: 'a', rejected: { from: 'gpt', value: 'b' } }),
    'chosen must be',
  ],
  ['alpaca', jsonl({ instruction: 'q', input: null, output: 'a' }), 'input must be a string'],
  ['alpaca', jsonl({ instruction: 'q', output: '' }), 'output'],
  [
    'hh-rlhf',
    jsonl({ chosen: '\n\nHuman: q\n\nAssistant: a', rejected: '\n\nHuman: other\n\nAssistant: b' }),
    'share the dialogue',
  ],
  ['hh-rlhf', jsonl({ chosen: 'Human: q\n\nAssistant: a', rejected: '\n\nHuman: q\n\nAssistant: b' }), 'must start'],
  ['openai-rft', jsonl({ messages: [u, a('x')], reference_answer: 'y' }), 'final message must be the user turn'],
  ['openai-rft', jsonl({ messages: [{ role: 'system', content: 's' }, u], reference_answer: 'y' }), 'role system'],
  ['openai-rft', jsonl({ messages: [u] }), 'reference_answer'],
  ['vertex-sft', jsonl({ contents: [{ role: 'user', parts: [{ text: 'q' }] }] }), 'end with the model target'],
  [
    'vertex-sft',
    jsonl({
      contents: [
        { role: 'user', parts: [{ text: 'q' }] },
        { role: 'assistant', parts: [{ text: 'a' }] },
      ],
    }),
    'role must be user or model',
  ],
  [
    'vertex-sft',
    jsonl({
      contents: [
        { role: 'model', parts: [{ text: 'hi' }] },
        { role: 'model', parts: [{ text: 'a' }] },
      ],
    }),
    'alternate',
  ],
  [
    'vertex-preference',
    jsonl({
      contents: [{ role: 'user', parts: [{ text: 'q' }] }],
      completions: [
        { score: 1, completion: { role: 'model', parts: [{ text: 'a' }] } },
        { score: 1, completion: { role: 'model', parts: [{ text: 'b' }] } },
      ],
    }),
    'one preferred (score 1) and one dispreferred',
  ],
  [
    'vertex-preference',
    jsonl({
      contents: [{ role: 'user', parts: [{ text: 'q' }] }],
      completions: [{ score: 1, completion: { role: 'model', parts: [{ text: 'a' }] } }],
    }),
    'exactly two',
  ],
  [
    'bedrock-sft',
    jsonl({ schemaVersion: 'bedrock-conversation-2023', messages: [{ role: 'user', content: [{ text: 'q' }] }] }),
    'schemaVersion',
  ],
  [
    'bedrock-sft',
    jsonl({
      schemaVersion: 'bedrock-conversation-2024',
      messages: [
        { role: 'user', content: [{ text: 'q' }] },
        { role: 'assistant', content: [{ text: 'a' }, { reasoningContent: { reasoningText: { text: 'r' } } }] },
      ],
    }),
    'before the answer text',
  ],
  [
    'bedrock-sft',
    jsonl({ schemaVersion: 'bedrock-conversation-2024', messages: [{ role: 'assistant', content: [{ text: 'a' }] }] }),
    'at least a user and an assistant',
  ],
  [
    'verl-rl',
    jsonl({
      data_source: 'margin',
      prompt: [u],
      ability: 'chat',
      reward_model: { style: 'rule', ground_truth: '' },
      extra_info: { split: 'train', index: 0 },
    }),
    'reward_model',
  ],
  [
    'verl-rl',
    jsonl({
      data_source: 'margin',
      prompt: [u],
      ability: 'chat',
      reward_model: { style: 'rule', ground_truth: 'x' },
      extra_info: { split: 'train', index: 3 },
    }),
    'extra_info',
  ],
  ['verl-sft', jsonl({ messages: [u, { ...a('x'), reasoning_content: '' }] }), 'reasoning_content must be non-empty'],
  [
    'trl-sft',
    jsonl({ messages: [{ ...u, thinking: 'hm' }, a('x')] }),
    'thinking must be non-empty text on an assistant',
  ],
  ['trl-sft', jsonl({ messages: [u, a('<think>\nhm\n</think>')] }), '<think> block'],
  ['raw', '{"a":1}\r\n', 'CR'],
  ['raw', '{"a":1}\n\n{"a":2}\n', 'blank line'],
  ['raw', '{"a":1,"a":2}\n', 'duplicate keys'],
  ['raw', jsonl({ id: 'ann-1', response: 'only part of an annotation' }), 'schemaVersion'],
];

describe('the test-suite validators', () => {
  it.each(invalid)('%s rejects a bad line (%#)', (format, text, expected) => {
    expect(validateExport(format, text).join('\n')).toContain(expected);
  });

  it('accept the examples formats.md gives', () => {
    expect(
      validateExport('openai-sft', jsonl({ messages: [u, { ...a('x'), weight: 0 }, u, { ...a('y'), weight: 1 }] })),
    ).toEqual([]);
    expect(
      validateExport(
        'sharegpt-dpo',
        jsonl({
          conversations: [{ from: 'human', value: 'q' }],
          chosen: { from: 'gpt', value: 'a' },
          rejected: { from: 'gpt', value: 'b' },
        }),
      ),
    ).toEqual([]);
    expect(
      validateExport(
        'hh-rlhf',
        jsonl({ chosen: '\n\nHuman: q\n\nAssistant: a', rejected: '\n\nHuman: q\n\nAssistant: b' }),
      ),
    ).toEqual([]);
  });
});
