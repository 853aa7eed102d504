import { assistant, openaiTurns } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/** OpenAI preference fine-tuning (DPO). */
export default defineExportFormat({
  id: 'openai-dpo',
  kind: 'pair',
  reasoning: 'inline',
  explain: '{"input":{"messages":[…]},"preferred_output":[assistant],"non_preferred_output":[assistant]}',
  build(ex) {
    const messages = openaiTurns(ex.prompt);
    if ('skip' in messages) return messages;
    return {
      value: {
        input: { messages },
        preferred_output: [assistant(ex.chosen)],
        non_preferred_output: [assistant(ex.rejected)],
      },
    };
  },
});
