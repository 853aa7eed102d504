import { assistant, chatMessages } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/** TRL's SFTTrainer, conversational prompt-completion: the loss covers the completion only. */
export default defineExportFormat({
  id: 'trl-prompt-completion',
  kind: 'sft',
  reasoning: 'field',
  explain: '{"prompt":[…context],"completion":[assistant target]} (only the target is trained)',
  build(ex, { reasoningField }) {
    return {
      value: {
        prompt: chatMessages(ex.prompt),
        completion: [assistant(ex.target, ex.targetReasoning, reasoningField)],
      },
    };
  },
});
