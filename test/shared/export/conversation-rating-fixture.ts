import { type ConversationRating, conversationKey } from '../../../shared/index.ts';

function rating(
  site: string,
  conversationId: string,
  fields: Partial<ConversationRating> & Pick<ConversationRating, 'id' | 'rating'>,
): ConversationRating {
  return {
    schemaVersion: 1,
    key: conversationKey(site, conversationId),
    site,
    conversationId,
    note: '',
    tags: [],
    annotator: 'ada',
    createdAt: '2026-11-02T09:00:00.000Z',
    updatedAt: '2026-11-02T09:00:00.000Z',
    deletedAt: null,
    revision: 1,
    ...fields,
  };
}

/**
 * Conversation ratings over the export fixture (fixture.ts). A rating speaks for its annotator's
 * annotations only: bob's answer in c-variants stays unrated; ada's c-tie rating was withdrawn.
 */
export const conversationRatings: ConversationRating[] = [
  rating('chatgpt', 'c-variants', { id: 'cr-1', rating: 'good', note: 'Reset steps are right.', tags: ['router'] }),
  rating('claude', 'c-multi', { id: 'cr-2', rating: 'needs-work', note: 'Went in circles.' }),
  rating('chatgpt', 'c-misc', { id: 'cr-3', rating: 'unclear' }),
  rating('chatgpt', 'c-tie', { id: 'cr-4', rating: 'good', deletedAt: '2026-11-02T10:00:00.000Z', revision: 2 }),
  rating('chatgpt', 'c-approved', { id: 'cr-5', rating: 'good', annotator: 'bob' }),
  // An older rating by ada on another device: the later one (cr-1) speaks for the conversation.
  rating('chatgpt', 'c-variants', { id: 'cr-6', rating: 'needs-work', updatedAt: '2026-11-02T08:00:00.000Z' }),
];
