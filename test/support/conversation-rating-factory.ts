import { type ConversationRating, conversationKey } from '../../shared/index.ts';

let counter = 0;

/** A valid conversation rating; pass overrides for what the test is about. */
export function makeConversationRating(overrides: Partial<ConversationRating> = {}): ConversationRating {
  counter += 1;
  const site = overrides.site ?? 'chatgpt';
  const conversationId = overrides.conversationId ?? 'conv-1';
  return {
    schemaVersion: 1,
    id: `cr-${String(counter).padStart(6, '0')}`,
    key: conversationKey(site, conversationId),
    site,
    conversationId,
    rating: 'good',
    note: '',
    tags: [],
    annotator: 'ada',
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    deletedAt: null,
    revision: 1,
    ...overrides,
  };
}
