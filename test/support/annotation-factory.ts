import type { Annotation } from '../../shared/index.ts';

let counter = 0;

/** A valid annotation with every field set; pass overrides for what the test is about. */
export function makeAnnotation(overrides: Partial<Annotation> = {}): Annotation {
  counter += 1;
  const conversationId = overrides.conversationId ?? 'conv-1';
  const messageId = overrides.messageId ?? `msg-${counter}`;
  const site = overrides.site ?? 'chatgpt';
  return {
    schemaVersion: 2,
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    key: `${site}:${conversationId}:${messageId}`,
    site,
    url: `https://chatgpt.com/c/${conversationId}`,
    conversationId,
    messageId,
    model: 'gpt-5',
    modelSource: 'model-picker',
    context: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'How do I reset the router?' },
    ],
    response: 'Hold the reset pin for 10 seconds.',
    variant: null,
    thumb: 'up',
    score: 80,
    comment: '',
    tags: [],
    correction: null,
    metadata: {},
    annotator: 'ada',
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    deletedAt: null,
    revision: 1,
    ...overrides,
  };
}
