/**
 * The values of a whole-conversation rating and the words a person reads for each, without zod: the
 * content script shows them in its conversation bar and must not carry the schema library to every page
 * (docs/benchmarks.md, content script size). conversation-rating.ts builds the schema from this list.
 */
export const CONVERSATION_RATING_VALUES = ['good', 'needs-work', 'unclear'] as const;
export type ConversationRatingValue = (typeof CONVERSATION_RATING_VALUES)[number];

/** Words a person reads for each value (the extension's bar, the dashboard). */
export const CONVERSATION_RATING_LABELS: Record<ConversationRatingValue, string> = {
  good: 'Good',
  'needs-work': 'Needs work',
  unclear: 'Unclear',
};
