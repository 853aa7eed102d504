import { assistant, chatMessages } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/** TRL's KTOTrainer: unpaired completions labelled desirable (true) or undesirable (false). */
export default defineExportFormat({
  id: 'trl-kto',
  kind: 'kto',
  reasoning: 'field',
  explain: '{"prompt":[…],"completion":[assistant],"label":true|false}',
  build(ex, { reasoningField }) {
    return {
      value: {
        prompt: chatMessages(ex.prompt),
        completion: [assistant(ex.completion, ex.completionReasoning, reasoningField)],
        label: ex.label,
      },
    };
  },
});
