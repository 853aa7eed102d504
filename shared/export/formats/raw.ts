import { defineExportFormat } from './define-export-format.ts';

/** Margin's own backup-like dump: the annotations themselves, no rules applied. */
export default defineExportFormat({
  id: 'raw',
  kind: 'raw',
  reasoning: 'stored',
  explain: 'each annotation exactly as stored (after filters and redaction)',
  build(annotation) {
    return { value: annotation };
  },
});
