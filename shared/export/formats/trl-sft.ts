import { assistant, chatMessages } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/** TRL's SFTTrainer, conversational language modeling: the whole conversation is one `messages` list. */
export default defineExportFormat({
  id: 'trl-sft',
  kind: 'sft',
  reasoning: 'field',
  explain: '{"messages":[system?, …context, assistant target]} (TRL conversational language modeling)',
  build(ex, { reasoningField }) {
    return {
      value: { messages: [...chatMessages(ex.prompt), assistant(ex.target, ex.targetReasoning, reasoningField)] },
    };
  },
});
