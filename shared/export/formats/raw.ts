import { conversationRatingSummary } from '../../conversation-rating.ts';
import { defineExportFormat } from './define-export-format.ts';

/** Margin's own backup-like dump: the annotations themselves, no rules applied. */
export default defineExportFormat({
  id: 'raw',
  kind: 'raw',
  reasoning: 'stored',
  explain: 'each annotation exactly as stored (after filters and redaction)',
  build(annotation, { conversationRating }) {
    // Only on annotations of a rated conversation, so unrated lines stay exactly the stored record.
    if (conversationRating === undefined) return { value: annotation };
    return { value: { ...annotation, conversationRating: conversationRatingSummary(conversationRating) } };
  },
});
