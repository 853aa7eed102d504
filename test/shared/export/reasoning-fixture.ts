import type { Annotation, Message } from '../../../shared/index.ts';

/**
 * Annotations with captured reasoning (annotation schema v2's `reasoning`), for the reasoning goldens:
 * an approved answer, a corrected one (the correction has no reasoning; the original keeps its own),
 * two variants that pair, and an approved answer the page showed no reasoning for.
 */

const SYSTEM: Message = { role: 'system', content: 'You are a terse support bot for the Acme router.' };
const ASK: Message = { role: 'user', content: 'How do I reset the router?' };

function annotation(n: number, fields: Partial<Annotation>): Annotation {
  const conversationId = fields.conversationId ?? `r-${n}`;
  const messageId = fields.messageId ?? 'm1';
  const time = `2026-11-05T09:${String(n).padStart(2, '0')}:00.000Z`;
  return {
    schemaVersion: 2,
    id: `ann-r${n}`,
    key: `chatgpt:${conversationId}:${messageId}`,
    site: 'chatgpt',
    url: `https://chatgpt.com/c/${conversationId}`,
    conversationId,
    messageId,
    model: 'o3',
    modelSource: 'model-picker',
    context: [SYSTEM, ASK],
    response: 'Hold the reset pin for 10 seconds.',
    variant: null,
    thumb: null,
    score: null,
    comment: '',
    tags: [],
    correction: null,
    metadata: {},
    annotator: 'ada',
    createdAt: time,
    updatedAt: time,
    deletedAt: null,
    revision: 1,
    ...fields,
  };
}

export const reasoningAnnotations: Annotation[] = [
  annotation(1, {
    thumb: 'up',
    reasoning: 'The user wants a factory reset. The Acme manual says: hold the pin for 10 seconds.',
  }),
  annotation(2, {
    context: [{ role: 'user', content: 'Which light shows the router is online?' }],
    response: 'The red light.',
    reasoning: 'Online is usually shown by a light... red, I think.',
    thumb: 'down',
    correction: 'The green light.',
  }),
  annotation(3, {
    conversationId: 'r-variants',
    messageId: 'm1',
    context: [
      { role: 'user', content: 'Is 5 GHz faster?' },
      { role: 'assistant', content: 'It depends.' },
      { role: 'user', content: 'On what?' },
    ],
    variant: { index: 1, count: 2, group: 'rv' },
    response: 'On distance: 5 GHz is faster at short range.',
    reasoning: 'Compare bands: 5 GHz has more bandwidth, 2.4 GHz reaches further.',
    score: 90,
  }),
  annotation(4, {
    conversationId: 'r-variants',
    messageId: 'm2',
    context: [
      { role: 'user', content: 'Is 5 GHz faster?' },
      { role: 'assistant', content: 'It depends.' },
      { role: 'user', content: 'On what?' },
    ],
    variant: { index: 2, count: 2, group: 'rv' },
    response: 'On the weather.',
    reasoning: 'Radio depends on weather?',
    score: 10,
  }),
  annotation(5, {
    context: [{ role: 'user', content: 'What does the amber LED mean?' }],
    response: 'It is resetting.',
    thumb: 'up',
  }),
];
