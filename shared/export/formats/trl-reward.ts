import { assistant, chatMessages } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/** TRL's RewardTrainer: preference pairs with a margin. */
export default defineExportFormat({
  id: 'trl-reward',
  kind: 'pair',
  reasoning: 'field',
  explain: '{"prompt":[…],"chosen":[…],"rejected":[…],"margin":score gap/100, 0 when unknown}',
  build(ex, { reasoningField }) {
    // Every row carries margin (0 when no score gap is known) so all rows share one shape.
    return {
      value: {
        prompt: chatMessages(ex.prompt),
        chosen: [assistant(ex.chosen, ex.chosenReasoning, reasoningField)],
        rejected: [assistant(ex.rejected, ex.rejectedReasoning, reasoningField)],
        margin: ex.margin ?? 0,
      },
    };
  },
});
