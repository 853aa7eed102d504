import { assistant, chatMessages } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/** TRL's DPOTrainer (and other preference trainers), conversational with an explicit prompt. */
export default defineExportFormat({
  id: 'trl-dpo',
  kind: 'pair',
  reasoning: 'field',
  explain: '{"prompt":[…],"chosen":[assistant],"rejected":[assistant]} (TRL conversational, explicit prompt)',
  build(ex, { reasoningField }) {
    return {
      value: {
        prompt: chatMessages(ex.prompt),
        chosen: [assistant(ex.chosen, ex.chosenReasoning, reasoningField)],
        rejected: [assistant(ex.rejected, ex.rejectedReasoning, reasoningField)],
      },
    };
  },
});
