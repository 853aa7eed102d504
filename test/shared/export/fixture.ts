import type { Annotation, Comparison, Message } from '../../../shared/index.ts';

/**
 * The fixed annotation set of the golden tests: one conversation per rule (docs/export.md), with
 * fixed ids and times so every export of it is byte-for-byte reproducible.
 */

const SYSTEM: Message = { role: 'system', content: 'You are a terse support bot for the Acme router.' };
const Q_RESET: Message = { role: 'user', content: 'How do I reset the router?' };
const GOOD = 'Hold the reset pin for 10 seconds until the LED blinks amber.';
const BAD = 'Unplug it, I guess.';

let sequence = 0;
function annotation(conversationId: string, messageId: string, fields: Partial<Annotation>): Annotation {
  sequence += 1;
  const site = fields.site ?? 'chatgpt';
  const minute = String(sequence).padStart(2, '0');
  return {
    schemaVersion: 2,
    id: `ann-${String(sequence).padStart(2, '0')}`,
    key: `${site}:${conversationId}:${messageId}`,
    site,
    url: `https://chatgpt.com/c/${conversationId}`,
    conversationId,
    messageId,
    model: 'gpt-5',
    modelSource: 'model-picker',
    context: [SYSTEM, Q_RESET],
    response: GOOD,
    // In schema order (`fields` below keeps a key where it is), as a stored annotation has it.
    ...(fields.reasoning !== undefined && { reasoning: fields.reasoning }),
    variant: null,
    thumb: null,
    score: null,
    comment: '',
    tags: [],
    correction: null,
    metadata: {},
    annotator: 'ada',
    createdAt: `2026-11-01T10:${minute}:00.000Z`,
    updatedAt: `2026-11-01T10:${minute}:00.000Z`,
    deletedAt: null,
    revision: 1,
    ...fields,
  };
}

const variant = (index: number, count: number, group: string) => ({ index, count, group });
const MULTI_TURN: Message[] = [
  { role: 'user', content: 'How do I reset the router?' },
  { role: 'assistant', content: BAD },
  { role: 'user', content: 'That did not help.' },
];
const UNICODE_PROMPT =
  'Traduis «bonjour» 👋 en arabe et en hébreu; line\u2028separator, paragraph\u2029separator, tab\tand "quotes" \\ backslash';
const UNICODE_ANSWER =
  'مرحبا (Arabic, RTL) · שלום (Hebrew) 👋🏽 — “curly” and "straight" quotes\nsecond line\u2028after U+2028';
const CODE_ANSWER =
  'Use a loop:\n\n```python\nfor i in range(3):\n    print(f"{i}: \\"ok\\"")\n```\n\nThat prints three lines.';

export const annotations: Annotation[] = [
  // c-variants: three regenerations of one prompt. 1 vs 2: score gap 70 (pair); 1 vs 3: both up (no
  // pair); 3 vs 2: up vs down (pair).
  annotation('c-variants', 'm1', {
    variant: variant(1, 3, 'g1'),
    thumb: 'up',
    score: 90,
    tags: ['router'],
    comment: 'Exactly right.',
  }),
  annotation('c-variants', 'm2', {
    variant: variant(2, 3, 'g1'),
    response: BAD,
    thumb: 'down',
    score: 20,
    tags: ['router'],
  }),
  annotation('c-variants', 'm3', {
    variant: variant(3, 3, 'g1'),
    response: 'Press and hold the reset button for ten seconds.',
    thumb: 'up',
    annotator: 'bob',
  }),
  // c-multi: first answer thumbed down, second answer corrected (correction ≻ original, weight 0).
  annotation('c-multi', 'm1', {
    site: 'claude',
    context: [MULTI_TURN[0] as Message],
    response: BAD,
    thumb: 'down',
    model: 'claude-opus',
  }),
  annotation('c-multi', 'm2', {
    site: 'claude',
    model: 'claude-opus',
    context: MULTI_TURN,
    response: 'Try turning it off and on again.',
    thumb: 'down',
    correction: GOOD,
    comment: 'Should mention the reset pin.',
  }),
  // c-approved: the earlier assistant turn was approved, so it keeps weight 1; the answer has code.
  annotation('c-approved', 'm1', {
    context: [{ role: 'user', content: 'Print 0..2 in Python.' }],
    response: 'Use range(3).',
    thumb: 'up',
  }),
  annotation('c-approved', 'm2', {
    context: [
      { role: 'user', content: 'Print 0..2 in Python.' },
      { role: 'assistant', content: 'Use range(3).' },
      { role: 'user', content: 'Show me the code, with quotes in the output.' },
    ],
    response: CODE_ANSWER,
    // Schema v2: the model's visible reasoning, kept apart from the response (only `raw` carries it).
    reasoning: 'They want runnable code.\n\nA for loop over range(3) with an f-string shows the "quotes".',
    score: 75,
  }),
  // c-unicode: emoji, RTL, U+2028/U+2029, tabs, quotes and backslashes survive every format.
  annotation('c-unicode', 'm1', {
    site: 'gemini',
    model: 'gemini-2.5-pro',
    context: [{ role: 'user', content: UNICODE_PROMPT }],
    response: UNICODE_ANSWER,
    thumb: 'up',
    score: 95,
    tags: ['unicode', 'i18n'],
  }),
  // c-tie: equal scores (no pair), an explicit tie (no pair), middle scores (no SFT, no KTO).
  annotation('c-tie', 'm1', { variant: variant(1, 2, 'g2'), response: 'Answer A.', score: 60 }),
  annotation('c-tie', 'm2', { variant: variant(2, 2, 'g2'), response: 'Answer B.', score: 60 }),
  // c-compare: unrated variants that an explicit comparison orders (b wins).
  annotation('c-compare', 'm1', {
    variant: variant(1, 2, 'g3'),
    response: 'Reboot from the admin page at 192.168.0.1.',
  }),
  annotation('c-compare', 'm2', { variant: variant(2, 2, 'g3'), response: GOOD }),
  // c-differ: marked as variants, but captured under different system prompts: never a pair.
  annotation('c-differ', 'm1', { variant: variant(1, 2, 'g4'), thumb: 'up', response: 'Variant under prompt one.' }),
  annotation('c-differ', 'm2', {
    variant: variant(2, 2, 'g4'),
    context: [{ role: 'system', content: 'You are a pirate.' }, Q_RESET],
    thumb: 'down',
    response: 'Arr, unplug it.',
  }),
  // Tombstoned: thumbed up and corrected, yet never exported anywhere.
  annotation('c-deleted', 'm1', {
    response: 'TOMBSTONED RESPONSE',
    thumb: 'up',
    correction: 'TOMBSTONED CORRECTION',
    deletedAt: '2026-11-02T00:00:00.000Z',
    revision: 2,
  }),
  // Judgements that make no example: unrated, middle score, conflicting thumb and score.
  annotation('c-misc', 'm1', { response: 'Unrated answer.' }),
  annotation('c-misc', 'm2', { response: 'Middling answer.', score: 55 }),
  annotation('c-misc', 'm3', { response: 'Conflicted answer.', thumb: 'up', score: 10 }),
  // A correction equal to the response up to whitespace is an approval, not a pair.
  annotation('c-approve', 'm1', {
    context: [{ role: 'user', content: 'Where is the reset pin?' }],
    response: 'On the back, next to the power socket.',
    correction: '  On the back,  next to the power socket.\n',
  }),
  // Two annotators approving the same response: the second identical line is a duplicate.
  annotation('c-dup', 'm1', {
    context: [{ role: 'user', content: 'Is 5 GHz faster?' }],
    response: 'Usually, at short range.',
    thumb: 'up',
    annotator: 'ada',
  }),
  annotation('c-dup', 'm1', {
    context: [{ role: 'user', content: 'Is 5 GHz faster?' }],
    response: 'Usually, at short range.',
    thumb: 'up',
    annotator: 'bob',
    id: 'ann-dup-bob',
  }),
  // Shapes some formats cannot carry: a tool turn (openai, alpaca, hh), a greeting first (sharegpt,
  // alpaca, hh), consecutive user turns (merged), an HH separator inside the text.
  annotation('c-tool', 'm1', {
    context: [
      { role: 'user', content: 'What is the status of order 42?' },
      { role: 'tool', content: '{"status": "shipped"}' },
    ],
    response: 'Order 42 has shipped.',
    thumb: 'up',
    correction: 'Order 42 shipped yesterday.',
  }),
  annotation('c-greeting', 'm1', {
    context: [{ role: 'assistant', content: 'Hi! How can I help?' }, Q_RESET],
    response: GOOD,
    thumb: 'up',
    correction: `${GOOD} Then wait for the lights.`,
  }),
  annotation('c-double', 'm1', {
    context: [
      SYSTEM,
      { role: 'user', content: 'My router is broken.' },
      { role: 'user', content: 'How do I reset it?' },
    ],
    response: 'Unplug it.',
    thumb: 'down',
    correction: GOOD,
  }),
  annotation('c-hh', 'm1', {
    context: [{ role: 'user', content: 'Write a transcript.' }],
    response: 'Sure.\n\nHuman: hi\n\nAssistant: hello',
    thumb: 'up',
    correction: 'I would rather summarise it.',
  }),
  // A context that ends with an assistant turn cannot carry a target.
  annotation('c-shape', 'm1', { context: [Q_RESET, { role: 'assistant', content: GOOD }], thumb: 'up' }),
  // Two more approved answers so OpenAI's minimum of ten examples is met.
  annotation('c-more', 'm1', {
    context: [{ role: 'user', content: 'What does the amber LED mean?' }],
    response: 'It is resetting.',
    thumb: 'up',
  }),
  // A partial capture: the page had not rendered the first two turns (docs/capture.md, "Fields").
  annotation('c-more', 'm2', {
    context: [{ role: 'user', content: 'And green?' }],
    response: 'It is online.',
    score: 80,
    metadata: { 'capture.unrenderedTurns': 2, 'capture.partial': true },
  }),
  // Other sources than chat capture, exported only with --source: an approved pipeline review (its
  // response is table rows), a logged API call thumbed up, and a rating imported from a ChatGPT export.
  annotation('rev-1', 'rev-1', {
    site: 'review',
    url: 'http://127.0.0.1:8787/api/v1/reviews/rev-1',
    context: [{ role: 'user', content: 'Extract the names from the form.' }],
    response: '{"first_name":"Ada"}\n{"first_name":"Bob"}',
    thumb: 'up',
    annotator: 'grace',
    metadata: { review_id: 'rev-1', review_status: 'approved' },
  }),
  annotation('trace-1', 'trace-1', {
    site: 'api',
    url: 'http://127.0.0.1:8787/api/v1/logs/trace-1',
    context: [{ role: 'user', content: 'Summarise ticket 7.' }],
    response: 'The customer wants a refund.',
    thumb: 'up',
    annotator: 'app',
    metadata: { trace_id: 'trace-1' },
  }),
  annotation('c-imported', 'm1', {
    context: [{ role: 'user', content: 'What is a VLAN?' }],
    response: 'A virtual LAN: one switch split into separate networks.',
    thumb: 'up',
    metadata: { source: 'chatgpt-export' },
  }),
];

function comparison(
  id: string,
  a: string,
  b: string,
  winner: Comparison['winner'],
  deletedAt: string | null = null,
): Comparison {
  return {
    schemaVersion: 1,
    id,
    a,
    b,
    winner,
    annotator: 'ada',
    createdAt: '2026-11-01T11:00:00.000Z',
    updatedAt: '2026-11-01T11:00:00.000Z',
    deletedAt,
    revision: 1,
  };
}

const idOf = (conversationId: string, messageId: string) =>
  annotations.find((a) => a.conversationId === conversationId && a.messageId === messageId)?.id ?? 'missing';

export const comparisons: Comparison[] = [
  comparison('cmp-1', idOf('c-compare', 'm1'), idOf('c-compare', 'm2'), 'b'),
  comparison('cmp-tie', idOf('c-tie', 'm1'), idOf('c-tie', 'm2'), 'tie'),
  comparison('cmp-deleted', idOf('c-misc', 'm1'), idOf('c-misc', 'm2'), 'a', '2026-11-02T00:00:00.000Z'),
  comparison('cmp-differ', idOf('c-differ', 'm1'), idOf('c-differ', 'm2'), 'a'),
  comparison('cmp-gone', idOf('c-compare', 'm1'), 'ann-that-does-not-exist', 'a'),
];
